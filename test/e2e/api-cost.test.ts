import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createGantryServer, type GantryServer } from '../../src/entry/server/server.ts';
import { FakeGitHub } from '../support/fake-github.ts';
import { FakeGitLab } from '../support/fake-gitlab.ts';
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
 * What one delivery costs in forge requests, counted at the HTTP level through the real server
 * (docs/operations.md "API cost" quotes these numbers). The app repository and the GitOps
 * repository are different repositories, as in most installations.
 */

const log = pino({ level: process.env.E2E_LOG ?? 'silent' });
let server: GantryServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const appConfig = (gitops: string, trigger: string) =>
  `version: 1\nbuild:\n  images: [{ name: registry.example.com/shop/web }]\ndeploy: { repo: ${gitops}, app: web, trigger: ${trigger} }\n`;
/** `METHOD path` with GraphQL operations named, in order. */
const calls = (requests: readonly { method: string; path: string; body: unknown }[]) =>
  requests.map((r) => {
    const query = (r.body as { query?: string } | undefined)?.query;
    const operation = query && /(query|mutation) (\w+)/.exec(query)?.[2];
    return `${r.method} ${decodeURIComponent(r.path)}${operation ? ` ${operation}` : ''}`;
  });

describe('API cost of a release from a tag (app repository → GitOps repository)', () => {
  it('GitHub', async () => {
    const fake = new FakeGitHub(exampleGitops());
    const web = new FakeGitHub({ '.gantry.yml': appConfig('shop/gitops', 'tag') }, 'shop/web');
    fake.mount(web);
    fake.http.on('POST', '/app/installations/:id/access_tokens', () => ({
      status: 201,
      body: { token: 'ghs_installation', expires_at: '2999-01-01T00:00:00Z', permissions: {} },
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
    const payload = inRepository(
      githubExample('push', (p) => String(p.ref).startsWith('refs/tags/')),
      'shop/web',
    );
    payload.ref = 'refs/tags/v1.6.0';
    payload.after = web.git.branches.get('main');
    payload.deleted = false;
    expect((await deliverGitHub(server.url, 'push', payload)).status).toBe(202);
    await server.runner.idle();
    expect(fake.pulls).toHaveLength(1);
    expect(calls(web.http.requests)).toEqual(['POST /graphql GantryFiles']);
    expect(calls(fake.http.requests.filter((r) => !r.path.startsWith('/app/')))).toEqual([
      // the release: the GitOps repository's default branch
      'GET /repos/shop/gitops',
      // the promotion (9): configuration, files, the version file's history (to order versions),
      // open PR, branch head, tree, commit, ref, PR
      'POST /graphql GantryFiles',
      'POST /graphql GantryFiles',
      'POST /graphql GantryHistory',
      'GET /repos/shop/gitops/pulls',
      'GET /repos/shop/gitops/git/ref/heads/gantry/dev/web',
      'POST /repos/shop/gitops/git/trees',
      'POST /repos/shop/gitops/git/commits',
      'POST /repos/shop/gitops/git/refs',
      'POST /repos/shop/gitops/pulls',
    ]);
  });

  it('GitLab', async () => {
    const fake = new FakeGitLab(exampleGitops());
    const web = new FakeGitLab({ '.gantry.yml': appConfig(fake.project, 'tag') }, '', 'shop/web', 43);
    fake.mount(web);
    server = await createGantryServer(
      {
        port: 0,
        host: '127.0.0.1',
        gitlab: {
          url: FakeGitLab.origin,
          token: 'glpat-test',
          secrets: [{ prefix: '', secret: 'cost-secret' }],
        },
        botName: 'gantry',
        logLevel: 'silent',
      },
      { gitlabDispatcher: fake.http.agent, log },
    );
    await server.start();
    const tag = {
      object_kind: 'tag_push',
      ref: 'refs/tags/v1.6.0',
      after: web.git.branches.get('main'),
      project: { id: web.projectId, path_with_namespace: web.project, default_branch: 'main' },
    };
    expect((await deliverGitLab(server.url, 'Tag Push Hook', tag, 'cost-secret')).status).toBe(202);
    await server.runner.idle();
    expect(fake.mergeRequests).toHaveLength(1);
    // the release: the app project's .gantry.yml at the tag (ref → sha, then the file)
    expect(calls(web.http.requests)).toEqual([
      `GET /api/v4/projects/shop/web/repository/commits/${tag.after}`,
      'POST /api/graphql GantryBlobs',
    ]);
    const gitops = '/api/v4/projects/shop/platform/gitops';
    expect(calls(fake.http.requests)).toEqual([
      // the release: the GitOps project's default branch
      `GET ${gitops}`,
      // the promotion (10): configuration (ref → sha, file), files (ref → sha, files), the
      // version file's history (commits, then the file at each), open MR, branch head, commit, MR
      `GET ${gitops}/repository/commits/main`,
      'POST /api/graphql GantryBlobs',
      `GET ${gitops}/repository/commits/main`,
      'POST /api/graphql GantryBlobs',
      `GET ${gitops}/repository/commits`,
      'POST /api/graphql GantryRevisions',
      `GET ${gitops}/merge_requests`,
      `GET ${gitops}/repository/branches/gantry/dev/web`,
      `POST ${gitops}/repository/commits`,
      `POST ${gitops}/merge_requests`,
    ]);
  });
});
