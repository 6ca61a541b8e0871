import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGantryServer, type GantryServer } from '../../src/entry/server/server.ts';
import { readSettings } from '../../src/entry/server/settings.ts';
import { FakeHttp } from '../support/fake-http.ts';
import { checkGitHubRequest, checkGitHubResponse, exampleResponse } from '../support/github-openapi.ts';
import { appPrivateKey } from '../support/webhooks.ts';

const API = 'https://api.github.test';
const CONVERSIONS = '/app-manifests/{code}/conversions';
const pem = appPrivateKey();

let github: FakeHttp;
let server: GantryServer;
let dir: string;
let logs: string[];

async function start(env: Record<string, string> = {}) {
  const settings = readSettings({ PORT: '0', HOST: '127.0.0.1', GITHUB_API_URL: API, ...env });
  settings.registration!.envFile = join(dir, '.env');
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  server = await createGantryServer(settings, { log, githubFetch: github.fetch });
  await server.start();
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gantry-registration-'));
  logs = [];
  github = new FakeHttp([API]);
  github.on('POST', '/app-manifests/:code/conversions', (_request, { code }) => {
    if (code !== 'the-code') return { status: 404, body: { message: 'Not Found' } };
    // GitHub's documented example, with a key that parses (the example's is a placeholder).
    const body = { ...exampleResponse<Record<string, unknown>>('POST', CONVERSIONS, 201), pem };
    return { status: 201, body };
  });
});

afterEach(async () => {
  await server?.stop();
});

/** The manifest and the form's target from the registration page. */
async function offer(headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/probot`, { headers });
  expect(response.status).toBe(200);
  const html = await response.text();
  const fromHtml = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const manifest = JSON.parse(fromHtml(/name="manifest" value="([^"]*)"/.exec(html)![1]!));
  const action = new URL(fromHtml(/<form action="([^"]*)"/.exec(html)![1]!));
  return { manifest, action };
}

describe('gantry serve without an App: the manifest registration flow', () => {
  it('offers a manifest for the URL it is reached at, exchanges the code and writes .env', async () => {
    await start();
    const root = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/probot');

    const { manifest, action } = await offer({
      'x-forwarded-host': 'gantry.example.com',
      'x-forwarded-proto': 'https',
    });
    expect(manifest.hook_attributes).toEqual({
      url: 'https://gantry.example.com/api/github/webhooks',
      active: true,
    });
    expect(manifest.redirect_url).toBe('https://gantry.example.com/probot/setup');
    expect(manifest.default_permissions).toMatchObject({ contents: 'write', pull_requests: 'write' });
    expect(manifest.default_events).toContain('push');
    expect(`${action.origin}${action.pathname}`).toBe('https://github.com/settings/apps/new');
    const state = action.searchParams.get('state')!;

    // GitHub sends the browser back with the code and the state.
    const back = await fetch(`${server.url}/probot/setup?code=the-code&state=${state}`, {
      redirect: 'manual',
    });
    const example = exampleResponse<{ html_url: string; id: number }>('POST', CONVERSIONS, 201);
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe(`${example.html_url}/installations/new`);

    expect(github.calls()).toEqual(['POST /app-manifests/the-code/conversions']);
    expect(checkGitHubRequest(github.requests[0]!)).toEqual([]);
    const sentBody = { ...exampleResponse('POST', CONVERSIONS, 201), pem };
    expect(checkGitHubResponse('POST', CONVERSIONS, 201, sentBody)).toEqual([]);

    // .env as `gantry serve` reads it back: a complete App.
    const envFile = join(dir, '.env');
    expect(statSync(envFile).mode & 0o077).toBe(0);
    const env = parseEnv(readFileSync(envFile, 'utf8'));
    expect(env.APP_ID).toBe(String(example.id));
    const app = readSettings(env).github!;
    expect(app.privateKey.trim()).toBe(pem.trim());
    expect(app.secret).toBe(
      exampleResponse<{ webhook_secret: string }>('POST', CONVERSIONS, 201).webhook_secret,
    );

    // Registered once: the code is not exchanged again.
    const again = await fetch(`${server.url}/probot/setup?code=the-code&state=${state}`, {
      redirect: 'manual',
    });
    expect(again.status).toBe(409);
    expect(github.requests).toHaveLength(1);
    expect(logs.join('')).not.toMatch(/smee/i);
  });

  it('uses BASE_URL and GH_ORG when set, and keeps the other lines of .env', async () => {
    writeFileSync(
      join(dir, '.env'),
      'LOG_LEVEL=debug\nAPP_ID=old\nPRIVATE_KEY="-----BEGIN\nold\n-----END"\n',
    );
    await start({ BASE_URL: 'https://bots.example.com/gantry/', GH_ORG: 'shop' });
    const { manifest, action } = await offer({ 'x-forwarded-host': 'internal:3000' });
    expect(manifest.hook_attributes.url).toBe('https://bots.example.com/gantry/api/github/webhooks');
    expect(manifest.redirect_url).toBe('https://bots.example.com/gantry/probot/setup');
    expect(action.pathname).toBe('/organizations/shop/settings/apps/new');
    const state = action.searchParams.get('state');
    expect(
      (await fetch(`${server.url}/probot/setup?code=the-code&state=${state}`, { redirect: 'manual' })).status,
    ).toBe(302);
    const text = readFileSync(join(dir, '.env'), 'utf8');
    expect(text.startsWith('LOG_LEVEL=debug\n')).toBe(true);
    // The old App's lines are gone, the multi-line key's continuation lines too.
    expect(
      text.split('\n').filter((line) => /old/.test(line) && !/^PRIVATE_KEY="-----BEGIN RSA/.test(line)),
    ).toEqual([]);
    expect(text).not.toMatch(/^(APP_ID=old|old|-----END")$/m);
    expect(parseEnv(text).LOG_LEVEL).toBe('debug');
  });

  it('refuses a callback without its state, and reports a code GitHub refuses', async () => {
    await start();
    const { action } = await offer();
    expect((await fetch(`${server.url}/probot/setup?code=the-code&state=forged`)).status).toBe(400);
    expect((await fetch(`${server.url}/probot/setup?code=the-code`)).status).toBe(400);
    const state = action.searchParams.get('state');
    const refused = await fetch(`${server.url}/probot/setup?code=expired&state=${state}`);
    expect(refused.status).toBe(502);
    expect(await refused.text()).toMatch(/HTTP 404/);
    expect(github.requests).toHaveLength(1);
    // A host header that is not a host does not end up in a manifest.
    expect(
      (await fetch(`${server.url}/probot`, { headers: { 'x-forwarded-host': 'evil.com/x"y' } })).status,
    ).toBe(400);
  });

  it('says what to do when .env cannot be written, without showing a credential', async () => {
    await start();
    const { action } = await offer();
    await server.stop();
    const settings = readSettings({ PORT: '0', HOST: '127.0.0.1', GITHUB_API_URL: API });
    settings.registration!.envFile = join(dir, 'missing', '.env');
    server = await createGantryServer(settings, {
      log: pino({ level: 'silent' }),
      githubFetch: github.fetch,
    });
    await server.start();
    const fresh = (await offer()).action.searchParams.get('state');
    expect(fresh).not.toBe(action.searchParams.get('state'));
    const response = await fetch(`${server.url}/probot/setup?code=the-code&state=${fresh}`);
    expect(response.status).toBe(500);
    const html = await response.text();
    const example = exampleResponse<{ id: number; html_url: string; webhook_secret: string }>(
      'POST',
      CONVERSIONS,
      201,
    );
    expect(html).toContain(`APP_ID=${example.id}`);
    expect(html).toContain(example.html_url);
    expect(html).toMatch(/ENOENT/);
    expect(html).not.toContain(example.webhook_secret);
    expect(html).not.toContain('PRIVATE KEY');
  });

  it('answers webhooks with 503 until the App is configured', async () => {
    await start();
    const response = await fetch(`${server.url}/api/github/webhooks`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(503);
  });
});
