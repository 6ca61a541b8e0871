import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { InProcessJobs } from '../../src/adapters/jobs/in-process.ts';
import { DELIVERY_QUEUE } from '../../src/entry/server/delivery-jobs.ts';
import { createGantryServer, type GantryServer } from '../../src/entry/server/server.ts';
import { DEFAULT_LIMITS, type WebhookLimits } from '../../src/entry/server/webhook-guard.ts';
import type { Jobs } from '../../src/ports/jobs.ts';
import { FakeGitHub } from '../support/fake-github.ts';
import { FakeGitLab } from '../support/fake-gitlab.ts';
import { exampleGitops } from '../support/gitops-fixture.ts';
import { jsonOf, rawPost } from '../support/raw-request.ts';
import { appPrivateKey, githubExample, inRepository, sign, WEBHOOK_SECRET } from '../support/webhooks.ts';

/**
 * The webhook edge of `gantry serve`, both forges: nothing is read before the sender is
 * authenticated as far as the headers allow, sizes are refused by Content-Length, bodies in
 * flight and requests per source are capped, and every answer is a fixed, well-formed body.
 */

const SECRET = 'gitlab-edge-secret';
const key = appPrivateKey();
let server: GantryServer | undefined;
let github: FakeGitHub;
let gitlab: FakeGitLab;

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function start(limits: Partial<WebhookLimits> = {}, gitopsConfig?: string, jobs?: Jobs) {
  const files = exampleGitops();
  if (gitopsConfig) files['.gantry.yml'] = gitopsConfig;
  github = new FakeGitHub(files);
  github.http.on('POST', '/app/installations/:id/access_tokens', () => ({
    status: 201,
    body: { token: 'ghs_installation', expires_at: '2999-01-01T00:00:00Z', permissions: {} },
  }));
  gitlab = new FakeGitLab(exampleGitops());
  server = await createGantryServer(
    {
      port: 0,
      host: '127.0.0.1',
      github: { appId: '1', privateKey: key, secret: WEBHOOK_SECRET, baseUrl: FakeGitHub.origin },
      gitlab: { url: FakeGitLab.origin, token: 'glpat-test', secrets: [{ prefix: '', secret: SECRET }] },
      webhooks: { ...DEFAULT_LIMITS, ...limits },
      botName: 'gantry',
      logLevel: 'silent',
    },
    {
      githubFetch: github.http.fetch,
      githubThrottle: false,
      gitlabDispatcher: gitlab.http.agent,
      log: pino({ level: process.env.E2E_LOG ?? 'silent' }),
      ...(jobs ? { jobs } : {}),
    },
  );
  await server.start();
  return server;
}

const big = (bytes: number) => Buffer.from(JSON.stringify({ pad: 'x'.repeat(bytes - 10) }));
const gitlabUrl = () => `${server!.url}/api/gitlab/webhooks`;
const githubUrl = () => `${server!.url}/api/github/webhooks`;
const gitlabHeaders = (token?: string) => ({
  'content-type': 'application/json',
  'x-gitlab-event': 'Pipeline Hook',
  ...(token === undefined ? {} : { 'x-gitlab-token': token }),
});
const githubHeaders = (signature?: string) => ({
  'content-type': 'application/json',
  'x-github-event': 'push',
  'x-github-delivery': 'edge-1',
  ...(signature === undefined ? {} : { 'x-hub-signature-256': signature }),
});
const forgeCalls = () => [
  ...github.http.requests.filter((r) => !r.path.startsWith('/app/')),
  ...gitlab.http.requests,
];

describe('webhook edge: authenticate before reading', () => {
  it('GitLab: a wrong or missing token is refused with 401 while the 4.9 MB body is still unsent', async () => {
    await start();
    const body = big(4.9 * 1024 * 1024);
    for (const token of ['wrong', undefined]) {
      const answer = await rawPost(gitlabUrl(), gitlabHeaders(token), body, { send: 1024 });
      expect(answer.status).toBe(401);
      expect(jsonOf(answer)).toEqual({ error: 'X-Gitlab-Token does not match' });
      expect(answer.sent).toBeLessThan(body.length);
    }
    expect(forgeCalls()).toEqual([]);
  });

  it('GitHub: a missing or malformed signature header is refused with 401 while the body is still unsent', async () => {
    await start();
    const body = big(4.9 * 1024 * 1024);
    for (const signature of [undefined, 'sha1=abc', 'sha256=not-hex']) {
      const answer = await rawPost(githubUrl(), githubHeaders(signature), body, { send: 1024 });
      expect(answer.status).toBe(401);
      expect(jsonOf(answer)).toEqual({ error: 'X-Hub-Signature-256 missing or malformed' });
    }
    expect(forgeCalls()).toEqual([]);
  });

  it('both: a Content-Length over the limit is refused with 413 before the body is read', async () => {
    await start();
    const gitlabBody = big(5 * 1024 * 1024 + 1);
    const gl = await rawPost(gitlabUrl(), gitlabHeaders(SECRET), gitlabBody, { send: 1024 });
    expect([gl.status, jsonOf(gl)]).toEqual([413, { error: 'body exceeds 5242880 bytes' }]);
    const githubBody = big(25 * 1024 * 1024 + 1);
    const gh = await rawPost(githubUrl(), githubHeaders(sign('x')), githubBody, { send: 1024 });
    expect([gh.status, jsonOf(gh)]).toEqual([413, { error: 'body exceeds 26214400 bytes' }]);
  });
});

describe('webhook edge: limits', () => {
  it('caps bodies in flight across both forges: past the cap, 503 with Retry-After, and later ones are read again', async () => {
    await start({ bodies: 2 });
    const body = big(64 * 1024);
    // Two authenticated senders that have not finished their bodies hold the two slots.
    const held = [
      rawPost(gitlabUrl(), gitlabHeaders(SECRET), body, { send: 100, timeoutMs: 1500 }).catch(
        (e: Error) => e,
      ),
      rawPost(githubUrl(), githubHeaders(sign(body.toString())), body, { send: 100, timeoutMs: 1500 }).catch(
        (e: Error) => e,
      ),
    ];
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refused = await rawPost(gitlabUrl(), gitlabHeaders(SECRET), body, { send: 100 });
    expect([refused.status, refused.headers['retry-after'], jsonOf(refused)]).toEqual([
      503,
      '5',
      { error: 'too many deliveries in flight' },
    ]);
    // The held senders give up; their slots are free again.
    expect((await Promise.all(held)).every((r) => r instanceof Error)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const later = await rawPost(gitlabUrl(), gitlabHeaders(SECRET), Buffer.from('{"object_kind":"x"}'));
    expect(later.status).toBe(401); // read, parsed, and no project to match a secret to
  });

  it('limits requests per source address: past the burst, 429 before anything is read', async () => {
    await start({ burst: 3, ratePerSecond: 1 });
    const body = Buffer.from('{}');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await rawPost(gitlabUrl(), gitlabHeaders(SECRET), body)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('after repeated failed GitLab authentications, answers that source 429; valid tokens and GitHub still pass', async () => {
    await start({ failures: 3 });
    const body = Buffer.from('{}');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await rawPost(gitlabUrl(), gitlabHeaders('wrong'), body)).status);
    // A valid token is read (and refused only because `{}` names no project).
    statuses.push((await rawPost(gitlabUrl(), gitlabHeaders(SECRET), body)).status);
    // GitHub delivers from shared addresses: someone's misconfigured hook must not lock the App out.
    statuses.push((await rawPost(githubUrl(), githubHeaders(sign('{}')), body)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429, 200]);
  });
});

describe('webhook edge: answers', () => {
  it('GitHub: a failing handler is not echoed: 202 with a fixed body, byte-correct content-length', async () => {
    // A GitOps repository whose configuration the release cannot load: the handler throws
    // a ConfigError quoting the file (non-ASCII included).
    await start({}, 'version: 1\ndeploy: { repo: shop/gitops, app: "wéb→prod" }\n');
    const payload = inRepository(
      githubExample('push', (p) => String(p.ref).startsWith('refs/tags/')),
      'shop/gitops',
    );
    payload.ref = 'refs/tags/v1.0.0';
    payload.after = github.git.branches.get('main');
    payload.deleted = false;
    const body = Buffer.from(JSON.stringify(payload));
    const answer = await rawPost(githubUrl(), githubHeaders(sign(body.toString())), body);
    expect([answer.status, jsonOf(answer)]).toEqual([202, { accepted: true }]);
    await server!.runner.idle();
    expect(await (await fetch(`${server!.url}/metrics`)).text()).toMatch(
      /gantry_webhook_deliveries_total\{forge="github",event="push",outcome="failed"\} 1/,
    );
  });

  it('GitHub: a verified delivery that cannot be stored as a job gets 503, fixed, and acts on nothing', async () => {
    // The jobs backend refuses (Redis unreachable): GitHub must see a failed delivery.
    const jobs = new InProcessJobs();
    const enqueue = jobs.enqueue.bind(jobs);
    let down = true;
    jobs.enqueue = (queue, payload, options) =>
      down && queue === DELIVERY_QUEUE
        ? Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:6379'))
        : enqueue(queue, payload, options);
    await start({}, undefined, jobs);
    const payload = inRepository(
      githubExample('push', (p) => String(p.ref).startsWith('refs/tags/')),
      'shop/gitops',
    );
    payload.ref = 'refs/tags/v1.0.0';
    payload.after = github.git.branches.get('main');
    payload.deleted = false;
    const body = Buffer.from(JSON.stringify(payload));
    const answer = await rawPost(githubUrl(), githubHeaders(sign(body.toString())), body);
    expect([answer.status, jsonOf(answer)]).toEqual([
      503,
      { error: 'could not accept the delivery; try again' },
    ]);
    expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
    expect(answer.body.toString()).not.toContain('10.0.0.7');
    await server!.runner.idle();
    expect(forgeCalls()).toEqual([]);
    // Stored once the backend is back: the redelivery is accepted.
    down = false;
    const again = await rawPost(githubUrl(), githubHeaders(sign(body.toString())), body);
    expect([again.status, jsonOf(again)]).toEqual([202, { accepted: true }]);
  });

  it('GitHub: a delivery without an installation is acknowledged (200) and acts on nothing', async () => {
    await start();
    const payload = inRepository(
      githubExample('push', (p) => String(p.ref).startsWith('refs/tags/')),
      'shop/gitops',
    );
    payload.ref = 'refs/tags/v1.0.0';
    payload.after = github.git.branches.get('main');
    delete payload.installation;
    const body = Buffer.from(JSON.stringify(payload));
    const answer = await rawPost(githubUrl(), githubHeaders(sign(body.toString())), body);
    expect([answer.status, jsonOf(answer)]).toEqual([200, { ignored: 'delivery without an installation' }]);
    await server!.runner.idle();
    expect(forgeCalls()).toEqual([]);
  });

  it('both: a bad signature, bad JSON, or wrong method get fixed JSON answers', async () => {
    await start();
    const answers = [
      await rawPost(githubUrl(), githubHeaders(sign('other')), Buffer.from('{"a":"→"}')),
      await rawPost(githubUrl(), githubHeaders(sign('{not json')), Buffer.from('{not json')),
      await rawPost(gitlabUrl(), gitlabHeaders(SECRET), Buffer.from('{not json')),
    ];
    expect(answers.map((a) => [a.status, jsonOf(a)])).toEqual([
      [401, { error: 'signature does not match' }],
      [400, { error: 'body is not JSON' }],
      [400, { error: 'body is not JSON' }],
    ]);
    const get = await fetch(gitlabUrl());
    expect([get.status, await get.json()]).toEqual([405, { error: 'use POST' }]);
  });
});
