import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createGantryServer, type GantryServer } from '../../src/entry/server/server.ts';
import { FakeGitHub } from '../support/fake-github.ts';
import { FakeGitLab } from '../support/fake-gitlab.ts';
import { exampleResponse } from '../support/github-openapi.ts';
import { exampleGitops } from '../support/gitops-fixture.ts';
import {
  appPrivateKey,
  deliverGitHub,
  deliverGitLab,
  githubExample,
  inRepository,
  WEBHOOK_SECRET,
} from '../support/webhooks.ts';

/**
 * Only the repository a GitOps repository names in `apps.<app>.source` may release that app.
 * Another repository whose `.gantry.yml` says `deploy: {repo: <gitops>, app: <app>}` — behind
 * the same GitLab webhook secret, or in another organisation that installed the same GitHub
 * App — is refused, logged and counted, and nothing in the GitOps repository changes.
 */

const log = pino({ level: process.env.E2E_LOG ?? 'silent' });
const hijacker = (gitops: string, trigger: 'tag' | 'pipeline') =>
  `version: 1\nbuild:\n  images: [{ name: registry.example.com/evil/hijack }]\ndeploy: { repo: ${gitops}, app: web, trigger: ${trigger} }\n`;

let server: GantryServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const metrics = async () => (await fetch(`${server!.url}/metrics`)).text();
const writes = (requests: readonly { method: string; path: string; body: unknown }[]) =>
  requests.filter(
    (r) =>
      r.method !== 'GET' &&
      // Installation tokens are authentication, not a change.
      !r.path.startsWith('/app/') &&
      !(r.path.endsWith('graphql') && /^\s*query/.test(String((r.body as { query?: string }).query))),
  );

describe('gantry serve (GitHub): releases only from apps.<app>.source', () => {
  async function world() {
    const files = exampleGitops();
    // A monorepo: shop/gitops releases its own app web.
    files['.gantry.yml'] = `${files['.gantry.yml']!.replace('source: shop/web', 'source: shop/gitops')}
deploy: { repo: shop/gitops, app: web, trigger: tag }
`;
    const fake = new FakeGitHub(files);
    const evil = new FakeGitHub({ '.gantry.yml': hijacker('shop/gitops', 'tag') }, 'evil/hijack');
    const neighbour = new FakeGitHub({ '.gantry.yml': hijacker('shop/gitops', 'tag') }, 'shop/other');
    fake.mount(evil);
    fake.mount(neighbour);
    fake.http.on('POST', '/app/installations/:id/access_tokens', () => ({
      status: 201,
      body: { token: 'ghs_installation', expires_at: '2999-01-01T00:00:00Z', permissions: {} },
    }));
    // The App is installed on shop (installation 1) and, by someone else, on evil (installation 2).
    fake.http.on('GET', '/repos/:owner/:repo/installation', (_req, p) => ({
      body: {
        ...exampleResponse<Record<string, unknown>>('GET', '/repos/{owner}/{repo}/installation'),
        id: p.owner === 'shop' ? 1 : 2,
      },
    }));
    server = await createGantryServer(
      {
        port: 0,
        host: '127.0.0.1',
        github: {
          appId: '1',
          privateKey: appPrivateKey(),
          secret: WEBHOOK_SECRET,
          baseUrl: FakeGitHub.origin,
        },
        botName: 'gantry',
        logLevel: 'silent',
      },
      { githubFetch: fake.http.fetch, githubThrottle: false, log },
    );
    await server.start();
    return { fake, evil, neighbour };
  }

  function tagPush(repo: FakeGitHub, tag: string, installation: number) {
    const payload = inRepository(
      githubExample('push', (p) => String(p.ref).startsWith('refs/tags/')),
      repo.fullName,
    );
    payload.ref = `refs/tags/${tag}`;
    payload.after = repo.git.branches.get('main');
    payload.deleted = false;
    payload.installation = { id: installation };
    return payload;
  }

  it("refuses a tag of another organisation's installation and of a same-org repository: PR, branches untouched, counted", async () => {
    const { fake, evil, neighbour } = await world();
    expect((await deliverGitHub(server!.url, 'push', tagPush(fake, 'v1.6.0', 1))).status).toBe(202);
    await server!.runner.idle();
    expect(fake.pulls.map((p) => p.title)).toEqual(['Release web to dev: 1.5.0-rc.1 → 1.6.0']);
    const before = { body: fake.pulls[0]!.body, branches: new Map(fake.git.branches) };
    fake.http.reset();

    expect((await deliverGitHub(server!.url, 'push', tagPush(evil, 'v2.0.0', 2))).status).toBe(202);
    expect((await deliverGitHub(server!.url, 'push', tagPush(neighbour, 'v2.0.1', 1))).status).toBe(202);
    await server!.runner.idle();

    expect(fake.pulls.map((p) => [p.title, p.body])).toEqual([
      ['Release web to dev: 1.5.0-rc.1 → 1.6.0', before.body],
    ]);
    expect(fake.git.branches).toEqual(before.branches);
    expect(writes(fake.http.requests)).toEqual([]);
    const text = await metrics();
    expect(text).toMatch(/gantry_releases_refused_total\{forge="github"\} 2/);
    expect(text).toMatch(
      /gantry_webhook_deliveries_total\{forge="github",event="push",outcome="refused"\} 2/,
    );
  });
});

describe('gantry serve (GitLab): releases only from apps.<app>.source', () => {
  const SECRET = 'instance-wide-secret';
  async function world() {
    const files = exampleGitops();
    files['.gantry.yml'] =
      `${files['.gantry.yml']!.replace('source: shop/web', 'source: shop/platform/gitops')}
deploy: { repo: shop/platform/gitops, app: web, trigger: pipeline }
`;
    const fake = new FakeGitLab(files);
    const evil = new FakeGitLab({ '.gantry.yml': hijacker(fake.project, 'pipeline') }, '', 'evil/hijack', 66);
    fake.mount(evil);
    server = await createGantryServer(
      {
        port: 0,
        host: '127.0.0.1',
        gitlab: { url: FakeGitLab.origin, token: 'glpat-test', secrets: [{ prefix: '', secret: SECRET }] },
        botName: 'gantry',
        logLevel: 'silent',
      },
      { gitlabDispatcher: fake.http.agent, log },
    );
    await server.start();
    return { fake, evil };
  }

  function tagPipeline(repo: FakeGitLab, tag: string) {
    return {
      object_kind: 'pipeline',
      object_attributes: {
        id: 31,
        ref: tag,
        tag: true,
        sha: repo.git.branches.get('main'),
        status: 'success',
      },
      project: { id: repo.projectId, path_with_namespace: repo.project, default_branch: 'main' },
    };
  }

  it('refuses a tag pipeline of another project behind the shared secret: MR, branches untouched, counted', async () => {
    const { fake, evil } = await world();
    expect(
      (await deliverGitLab(server!.url, 'Pipeline Hook', tagPipeline(fake, 'v1.6.0'), SECRET)).status,
    ).toBe(202);
    await server!.runner.idle();
    expect(fake.mergeRequests.map((m) => m.title)).toEqual(['Release web to dev: 1.5.0-rc.1 → 1.6.0']);
    const before = { description: fake.mergeRequests[0]!.description, branches: new Map(fake.git.branches) };
    fake.http.reset();

    expect(
      (await deliverGitLab(server!.url, 'Pipeline Hook', tagPipeline(evil, 'v2.0.0'), SECRET)).status,
    ).toBe(202);
    await server!.runner.idle();

    expect(fake.mergeRequests.map((m) => [m.title, m.description])).toEqual([
      ['Release web to dev: 1.5.0-rc.1 → 1.6.0', before.description],
    ]);
    expect(fake.git.branches).toEqual(before.branches);
    expect(writes(fake.http.requests)).toEqual([]);
    const text = await metrics();
    expect(text).toMatch(/gantry_releases_refused_total\{forge="gitlab"\} 1/);
    expect(text).toMatch(
      /gantry_webhook_deliveries_total\{forge="gitlab",event="Pipeline Hook",outcome="refused"\} 1/,
    );
  });
});
