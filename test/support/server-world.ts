import { pino } from 'pino';
import { createGantryServer, type GantryServer, type ServerOptions } from '../../src/entry/server/server.ts';
import type { ServerSettings } from '../../src/entry/server/settings.ts';
import { FakeGitHub } from './fake-github.ts';
import { FakeGitLab } from './fake-gitlab.ts';
import { exampleResponse } from './github-openapi.ts';
import { selfReleasingGitops } from './gitops-fixture.ts';
import { appPrivateKey, githubExample, inRepository, WEBHOOK_SECRET } from './webhooks.ts';

/**
 * `gantry serve` in this process against a fake forge, with what a reliability test needs:
 * short retry waits (every wait × `scale`, Retry-After included, so a test can still see it was
 * honoured), fixed jitter, and the log lines as parsed objects.
 */
export const FAST_RETRY: NonNullable<ServerOptions['retry']> = {
  baseMs: 1000,
  maxMs: 60_000,
  deadlineMs: 10 * 60_000,
  scale: 0.02,
  random: () => 0.5,
};

export interface ServerWorld<F> {
  fake: F;
  server: GantryServer;
  logs: Array<Record<string, any>>;
}

function capture() {
  const logs: Array<Record<string, any>> = [];
  const log = pino(
    { level: 'info' },
    {
      write(line: string) {
        logs.push(JSON.parse(line));
      },
    },
  );
  return { logs, log };
}

const key = appPrivateKey();

/** The example GitOps repo as a monorepo: it also deploys itself as app `web`. */
export async function githubServer(
  options: Partial<ServerOptions> = {},
  settings: Partial<ServerSettings> = {},
): Promise<ServerWorld<FakeGitHub>> {
  const files = selfReleasingGitops('shop/gitops', 'tag');
  const fake = new FakeGitHub(files);
  fake.http.on('POST', '/app/installations/:id/access_tokens', () => ({
    status: 201,
    body: {
      token: 'ghs_installation',
      expires_at: '2999-01-01T00:00:00Z',
      permissions: {},
      repository_selection: 'all',
    },
  }));
  // apps#get-a-repository-installation-for-the-authenticated-app (jobs that know only a repository).
  fake.http.on('GET', '/repos/:owner/:repo/installation', () => ({
    body: { ...exampleResponse<Record<string, unknown>>('GET', '/repos/{owner}/{repo}/installation'), id: 1 },
  }));
  const { logs, log } = capture();
  const server = await createGantryServer(
    {
      port: 0,
      host: '127.0.0.1',
      github: { appId: '1', privateKey: key, secret: WEBHOOK_SECRET, baseUrl: FakeGitHub.origin },
      botName: 'gantry',
      logLevel: 'info',
      ...settings,
    },
    { githubFetch: fake.http.fetch, githubThrottle: false, log, retry: FAST_RETRY, ...options },
  );
  await server.start();
  return { fake, server, logs };
}

export function githubTagPush(fake: FakeGitHub, tag: string) {
  const payload = inRepository(
    githubExample('push', (p) => String(p.ref).startsWith('refs/tags/')),
    'shop/gitops',
  );
  payload.ref = `refs/tags/${tag}`;
  payload.after = fake.git.branches.get('main');
  payload.deleted = false;
  payload.created = true;
  return payload;
}

export const GITLAB_SECRET = 'gitlab-faults-secret';

export async function gitlabServer(
  options: Partial<ServerOptions> = {},
  settings: Partial<ServerSettings> = {},
): Promise<ServerWorld<FakeGitLab>> {
  const files = selfReleasingGitops('shop/platform/gitops', 'pipeline');
  const fake = new FakeGitLab(files);
  const { logs, log } = capture();
  const server = await createGantryServer(
    {
      port: 0,
      host: '127.0.0.1',
      gitlab: {
        url: FakeGitLab.origin,
        token: 'glpat-test',
        secrets: [{ prefix: '', secret: GITLAB_SECRET }],
      },
      botName: 'gantry',
      logLevel: 'info',
      ...settings,
    },
    { gitlabDispatcher: fake.http.agent, log, retry: FAST_RETRY, ...options },
  );
  await server.start();
  return { fake, server, logs };
}

/** A successful tag pipeline, shaped as GitLab's documented Pipeline Hook. */
export function gitlabTagPipeline(fake: FakeGitLab, tag: string) {
  return {
    object_kind: 'pipeline',
    object_attributes: { id: 31, ref: tag, tag: true, sha: fake.git.branches.get('main'), status: 'success' },
    project: { id: fake.projectId, path_with_namespace: fake.project, default_branch: 'main' },
  };
}

/** POSTs a GitLab delivery with GitLab's delivery headers (Idempotency-Key, X-Gitlab-Event-UUID). */
export async function deliverGitLabWithId(url: string, event: string, payload: unknown, id: string) {
  const response = await fetch(`${url}/api/gitlab/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-gitlab-event': event,
      'x-gitlab-token': GITLAB_SECRET,
      'x-gitlab-event-uuid': id,
      'idempotency-key': id,
    },
    body: JSON.stringify(payload),
  });
  return { status: response.status, text: await response.text() };
}
