import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Octokit } from '@octokit/rest';
import type { Logger } from 'pino';
import { UsageError } from '../../core/errors.ts';
import { appManifest, readAppYml } from './app-manifest.ts';
import { updateEnvFile } from './env-file.ts';
import { registrationPage } from './registration-page.ts';

type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/** Where the registration flow runs: this server's public URL and the GitHub it registers on. */
export interface RegistrationSettings {
  /** BASE_URL: this server as GitHub and browsers reach it; else taken from each request. */
  publicUrl?: string;
  /** `https://github.com` or `https://<GHE_HOST>`. */
  webUrl: string;
  apiUrl: string;
  /** GH_ORG: register the App for an organisation instead of the user. */
  org?: string;
  /** Where the new App's credentials are written (`gantry serve` reads `.env`). */
  envFile: string;
}

export function readRegistration(env: Readonly<Record<string, string | undefined>>): RegistrationSettings {
  let publicUrl: string | undefined;
  if (env.BASE_URL) {
    const url = URL.canParse(env.BASE_URL) ? new URL(env.BASE_URL) : undefined;
    if (!url || !/^https?:$/.test(url.protocol) || url.search || url.hash)
      throw new UsageError(`BASE_URL: expected this server's http(s) URL, got "${env.BASE_URL}"`);
    publicUrl = url.href.replace(/\/+$/, '');
  }
  const webUrl = env.GHE_HOST ? `https://${env.GHE_HOST}` : 'https://github.com';
  const apiUrl = env.GHE_HOST ? `${webUrl}/api/v3` : (env.GITHUB_API_URL ?? 'https://api.github.com');
  return {
    ...(publicUrl ? { publicUrl } : {}),
    webUrl,
    apiUrl,
    ...(env.GH_ORG ? { org: env.GH_ORG } : {}),
    envFile: '.env',
  };
}

/**
 * GitHub's App manifest flow, served while no App credentials are set: `/probot` offers the
 * manifest (see app-manifest.ts), GitHub sends the browser back to `/probot/setup?code=…`, and
 * the code is exchanged (`POST /app-manifests/{code}/conversions`) for the App's id, key and
 * webhook secret, written to `.env`. Probot's own flow is not public API and points the
 * webhook at `<base>/` through smee.io; this one needs neither.
 */
export function githubSetupHandler(options: {
  registration: RegistrationSettings;
  webhooksPath: string;
  log: Logger;
  fetch?: typeof fetch;
}): Handler {
  const { registration, log } = options;
  // Sent to GitHub with the manifest and back with the code: only a browser this server sent
  // to GitHub can complete the registration.
  const state = randomBytes(16).toString('hex');
  const newAppUrl = `${registration.webUrl}${registration.org ? `/organizations/${encodeURIComponent(registration.org)}` : ''}/settings/apps/new?state=${state}`;
  let registered: string | undefined;
  const octokit = new Octokit({
    baseUrl: registration.apiUrl,
    ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
    log: { debug: () => {}, info: () => {}, warn: log.warn.bind(log), error: log.error.bind(log) },
  });

  return async (request, response) => {
    if (request.method !== 'GET') return false;
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/') {
      response.writeHead(302, { location: '/probot', 'content-type': 'text/plain' }).end('Found: /probot\n');
      return true;
    }
    if (url.pathname === '/probot') {
      if (registered) return page(response, 200, { kind: 'registered', htmlUrl: registered });
      const base = registration.publicUrl ?? baseUrlOf(request);
      if (!base)
        return page(response, 400, { kind: 'error', message: 'cannot tell this server’s URL: set BASE_URL' });
      const manifest = appManifest(readAppYml(), base, options.webhooksPath);
      return page(response, 200, { kind: 'offer', manifest, action: newAppUrl });
    }
    if (url.pathname === '/probot/setup') {
      if (registered) return page(response, 409, { kind: 'registered', htmlUrl: registered });
      const code = url.searchParams.get('code') ?? '';
      if (!/^[A-Za-z0-9_-]{1,200}$/.test(code) || !sameState(url.searchParams.get('state'), state))
        return page(response, 400, {
          kind: 'error',
          message: 'missing or unknown code or state: start again at /probot',
        });
      let app: Conversion;
      try {
        ({ data: app } = (await octokit.request('POST /app-manifests/{code}/conversions', { code })) as {
          data: Conversion;
        });
      } catch (error) {
        const status = (error as { status?: number }).status;
        log.warn({ status }, 'GitHub did not convert the App manifest code');
        return page(response, 502, {
          kind: 'error',
          message: `GitHub refused the code (HTTP ${status ?? '?'}); codes expire after an hour: start again at /probot`,
        });
      }
      try {
        updateEnvFile(registration.envFile, {
          APP_ID: String(app.id),
          PRIVATE_KEY: app.pem,
          WEBHOOK_SECRET: app.webhook_secret ?? '',
          GITHUB_CLIENT_ID: app.client_id,
          GITHUB_CLIENT_SECRET: app.client_secret,
        });
      } catch (error) {
        // The code is spent and the App exists: say how to finish by hand, never showing a secret.
        log.error({ err: error, app: app.html_url }, 'GitHub App registered, but .env could not be written');
        return page(response, 500, {
          kind: 'error',
          message: `The App ${app.html_url} was created, but ${registration.envFile} could not be written (${(error as Error).message}). On the App's settings page generate a private key and set a webhook secret, then run gantry with APP_ID=${app.id}, PRIVATE_KEY and WEBHOOK_SECRET (docs/install.md).`,
        });
      }
      registered = app.html_url;
      log.info(
        { app: app.slug, envFile: registration.envFile },
        'GitHub App registered: restart gantry to use it',
      );
      response.writeHead(302, { location: `${app.html_url}/installations/new` }).end();
      return true;
    }
    return false;
  };
}

interface Conversion {
  id: number;
  slug?: string;
  html_url: string;
  client_id: string;
  client_secret: string;
  webhook_secret: string | null;
  pem: string;
}

function page(response: ServerResponse, status: number, content: Parameters<typeof registrationPage>[0]) {
  response
    .writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    .end(registrationPage(content));
  return true;
}

function sameState(given: string | null, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `proto://host` as the browser reached us (a proxy's X-Forwarded-* first), or undefined. */
export function baseUrlOf(request: IncomingMessage): string | undefined {
  const first = (value: string | string[] | undefined) =>
    (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();
  const proto =
    first(request.headers['x-forwarded-proto']) ??
    ((request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http');
  const host = first(request.headers['x-forwarded-host']) ?? request.headers.host;
  if (!/^https?$/.test(proto) || !host || !/^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/.test(host))
    return undefined;
  return `${proto}://${host}`;
}
