import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { GitLabForge } from '../../../src/adapters/gitlab/gitlab-forge.ts';
import { ForgeError, GantryError, NotFoundError, ValidationError } from '../../../src/core/errors.ts';
import type { Forge } from '../../../src/ports/forge.ts';
import type { FakeGitLab } from '../../support/fake-gitlab.ts';
import { expectGitLabWellFormed, gitlabWorld, PROJECT } from '../../support/gitlab-harness.ts';

const TARGETS = ['prod/eu-west', 'prod/us-east', 'prod/ap-south', 'prod/sa-east', 'prod/af-south'];

function promotionFiles(count: number): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `envs/${TARGETS[i % 5]}/app-${i}/values.yaml`,
      'image:\n  tag: "1.0.0"\n',
    ]),
  );
}

async function promote(forge: Forge, paths: string[], version: string): Promise<void> {
  const branch = 'gantry/prod/apps';
  const base = await forge.readFiles(PROJECT, paths, 'main');
  const head = await forge.branchHead(PROJECT, branch);
  await forge.commit(PROJECT, {
    branch,
    parent: base.sha,
    expectedHead: head,
    message: `Promote to prod: ${version}`,
    changes: paths.map((path) => ({ path, content: `image:\n  tag: "${version}"\n` })),
  });
  const open = await forge.findPullRequest(PROJECT, branch);
  if (open) await forge.updatePullRequest(PROJECT, open.number, { body: `now ${version}` });
  else
    await forge.createPullRequest(PROJECT, {
      head: branch,
      base: 'main',
      title: 'Promote to prod',
      body: version,
      labels: ['gantry'],
    });
}

let current: FakeGitLab | undefined;
afterEach(() => {
  if (current) expectGitLabWellFormed(current);
  current = undefined;
});

describe('GitLab API budget of a promotion', () => {
  async function count(files: number) {
    const { fake, forge } = gitlabWorld(promotionFiles(files));
    current = fake;
    const paths = Object.keys(promotionFiles(files));
    await promote(forge, paths, '2.0.0');
    const first = fake.http.calls();
    fake.http.reset();
    await promote(forge, paths, '2.1.0');
    const second = fake.http.calls();
    const branchFiles = fake.git.filesAt(fake.git.branches.get('gantry/prod/apps')!);
    expect([...branchFiles.values()].every((f) => f.content.includes('2.1.0'))).toBe(true);
    return { first, second };
  }

  it('costs 6 calls to open the MR and 7 to rebuild and update it, for 1 file as for 100', async () => {
    const one = await count(1);
    const hundred = await count(100);
    expect(hundred).toEqual(one);
    const p = '/api/v4/projects/shop%2Fplatform%2Fgitops';
    expect(one.first).toEqual([
      `GET ${p}/repository/commits/main`,
      'POST /api/graphql',
      `GET ${p}/repository/branches/gantry%2Fprod%2Fapps`,
      `POST ${p}/repository/commits`,
      `GET ${p}/merge_requests`,
      `POST ${p}/merge_requests`,
    ]);
    expect(one.second).toEqual([
      `GET ${p}/repository/commits/main`,
      'POST /api/graphql',
      `GET ${p}/repository/branches/gantry%2Fprod%2Fapps`,
      `GET ${p}/repository/branches/gantry%2Fprod%2Fapps`,
      `POST ${p}/repository/commits`,
      `GET ${p}/merge_requests`,
      `PUT ${p}/merge_requests/1`,
    ]);
  });
});

describe('GitLab errors become typed errors', () => {
  function typed(error: unknown): string {
    expect(error).toBeInstanceOf(GantryError);
    return (error as Error).constructor.name;
  }

  it('converts 404, 5xx, 403, GraphQL errors, retry give-ups and network failures; no gitbeaker class escapes', async () => {
    const { fake, forge } = gitlabWorld({ 'README.md': 'x' });
    current = fake;
    const mrPath = '/api/v4/projects/:id/merge_requests/:iid';
    fake.http.on('GET', mrPath, (_r, p) =>
      p.iid === '500'
        ? { status: 500, body: { message: '500 Internal Server Error' } }
        : p.iid === '403'
          ? { status: 403, body: { message: '403 Forbidden' } }
          : { status: 404, body: { message: '404 Merge Request Not Found' } },
    );
    const outcomes = await Promise.all(
      [404, 500, 403].map((n) => forge.getPullRequest(PROJECT, n).catch((e: unknown) => e)),
    );
    // A 5xx may pass with time (RetryableError is a ForgeError); a 403 will not.
    expect(outcomes.map(typed)).toEqual(['NotFoundError', 'RetryableError', 'ForgeError']);
    expect(outcomes[1]).toMatchObject({
      status: 500,
      message: expect.stringContaining('500 Internal Server Error'),
    });
    expect(outcomes[2]).toMatchObject({ status: 403 });

    fake.http.on('POST', '/api/graphql', () => ({
      body: { errors: [{ message: 'Max blobs size limit exceeded (30 MB / 20 MB).' }] },
    }));
    const graphql = await forge.readFiles(PROJECT, ['README.md'], 'main').catch((e: unknown) => e);
    expect(graphql).toBeInstanceOf(ForgeError);
    expect(graphql).toMatchObject({ status: 422, message: expect.stringContaining('Max blobs size') });

    fake.http.on('GET', '/api/v4/projects/:id', () => ({ status: 429, body: { message: 'Retry later' } }));
    const limited = await forge.defaultBranch(PROJECT).catch((e: unknown) => e);
    expect(typed(limited)).toBe('RetryableError');
    expect((limited as ForgeError).status).toBe(429);

    const offlineAgent = new MockAgent();
    offlineAgent.disableNetConnect();
    const offline = new GitLabForge({ host: 'https://gitlab.test', token: 't', dispatcher: offlineAgent });
    const network = await offline.defaultBranch(PROJECT).catch((e: unknown) => e);
    expect(typed(network)).toBe('RetryableError');
    const networkGraphql = await offline
      .commit(PROJECT, {
        branch: 'b',
        parent: 'a'.repeat(40),
        expectedHead: null,
        message: 'm',
        changes: [{ path: 'a', content: 'b' }],
      })
      .catch((e: unknown) => e);
    expect(typed(networkGraphql)).toBe('RetryableError');
  });

  it('says NotFoundError when GraphQL cannot see the project, and refuses a host that is not a URL', async () => {
    const { fake, forge } = gitlabWorld({ 'README.md': 'x' });
    current = fake;
    fake.http.on('POST', '/api/graphql', () => ({ body: { data: { project: null } } }));
    await expect(forge.readFiles(PROJECT, ['README.md'], 'main')).rejects.toBeInstanceOf(NotFoundError);
    expect(() => new GitLabForge({ host: 'gitlab.example.com', token: 't' })).toThrow(ValidationError);
  });
});
