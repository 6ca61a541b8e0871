import { Octokit } from '@octokit/rest';
import { ProbotOctokit } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import { GitHubForge } from '../../../src/adapters/github/github-forge.ts';
import { createGitHubOctokit, type GitHubClient } from '../../../src/adapters/github/octokit.ts';
import { ConflictError, ForgeError, GantryError, NotFoundError } from '../../../src/core/errors.ts';
import type { Forge } from '../../../src/ports/forge.ts';
import { FakeGitHub } from '../../support/fake-github.ts';
import { expectWellFormed, githubWorld, REPO } from '../../support/github-harness.ts';

const TARGETS = ['prod/eu-west', 'prod/us-east', 'prod/ap-south', 'prod/sa-east', 'prod/af-south'];

/** F files spread over the five target folders of a fan-out environment. */
function promotionFiles(count: number): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `envs/${TARGETS[i % 5]}/app-${i}/values.yaml`,
      'image:\n  tag: "1.0.0"\n',
    ]),
  );
}

/** The calls a promotion makes, in the order the promotion use case makes them. */
async function promote(forge: Forge, paths: string[], version: string): Promise<void> {
  const branch = 'gantry/prod/apps';
  const base = await forge.readFiles(REPO, paths, 'main');
  const head = await forge.branchHead(REPO, branch);
  await forge.commit(REPO, {
    branch,
    parent: base.sha,
    expectedHead: head,
    message: `Promote to prod: ${version}`,
    changes: paths.map((path) => ({ path, content: `image:\n  tag: "${version}"\n` })),
  });
  const open = await forge.findPullRequest(REPO, branch);
  if (open) await forge.updatePullRequest(REPO, open.number, { body: `now ${version}` });
  else
    await forge.createPullRequest(REPO, {
      head: branch,
      base: 'main',
      title: 'Promote to prod',
      body: version,
      labels: ['gantry'],
    });
}

let current: FakeGitHub | undefined;
afterEach(() => {
  if (current) expectWellFormed(current);
  current = undefined;
});

describe('GitHub API budget of a promotion', () => {
  async function count(files: number) {
    const { fake, forge } = githubWorld(promotionFiles(files));
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

  it('costs 8 calls to open the PR (with a label) and 7 to rebuild and update it, for 1 file as for 100', async () => {
    const one = await count(1);
    const hundred = await count(100);
    expect(hundred).toEqual(one);
    expect(one.first).toEqual([
      'POST /graphql',
      'GET /repos/shop/gitops/git/ref/heads%2Fgantry%2Fprod%2Fapps',
      'POST /repos/shop/gitops/git/trees',
      'POST /repos/shop/gitops/git/commits',
      'POST /repos/shop/gitops/git/refs',
      'GET /repos/shop/gitops/pulls',
      'POST /repos/shop/gitops/pulls',
      'POST /repos/shop/gitops/issues/1/labels',
    ]);
    expect(one.second).toEqual([
      'POST /graphql',
      'GET /repos/shop/gitops/git/ref/heads%2Fgantry%2Fprod%2Fapps',
      'POST /repos/shop/gitops/git/trees',
      'POST /repos/shop/gitops/git/commits',
      'POST /graphql',
      'GET /repos/shop/gitops/pulls',
      'PATCH /repos/shop/gitops/pulls/1',
    ]);
    expect(one.first.length).toBeLessThanOrEqual(8);
  });
});

describe('GitHub clients the adapter accepts', () => {
  const silent = { debug() {}, info() {}, warn() {}, error() {} };

  async function roundTrip(client: GitHubClient, fake: FakeGitHub) {
    const forge = new GitHubForge(client);
    const snapshot = await forge.readFiles(REPO, ['README.md'], 'main');
    await forge.commit(REPO, {
      branch: 'gantry/x',
      parent: snapshot.sha,
      expectedHead: null,
      message: 'm',
      changes: [{ path: 'README.md', content: 'new\n' }],
    });
    expect(fake.git.filesAt(fake.git.branches.get('gantry/x')!).get('README.md')!.content).toBe('new\n');
  }

  it("works over Probot's per-installation Octokit", async () => {
    const fake = new FakeGitHub({ 'README.md': 'old\n' });
    current = fake;
    const octokit = new ProbotOctokit({
      auth: { token: 'ghs_installation' },
      baseUrl: FakeGitHub.origin,
      request: { fetch: fake.http.fetch },
      throttle: { enabled: false },
      retry: { enabled: false },
      log: silent,
    });
    await roundTrip(octokit, fake);
    expect(fake.http.requests[0]!.headers.authorization).toBe('token ghs_installation');
  });

  it('works over a plain @octokit/rest instance with a token', async () => {
    const fake = new FakeGitHub({ 'README.md': 'old\n' });
    current = fake;
    await roundTrip(
      new Octokit({
        auth: 'ghp_cli',
        baseUrl: FakeGitHub.origin,
        request: { fetch: fake.http.fetch },
        log: silent,
      }),
      fake,
    );
  });

  it('retries a 5xx through the factory-built Octokit', async () => {
    const fake = new FakeGitHub({ 'README.md': 'x' });
    current = fake;
    let failures = 1;
    fake.http.on('GET', '/repos/:owner/:repo', () =>
      failures-- > 0
        ? { status: 502, body: { message: 'Bad Gateway' } }
        : { body: { default_branch: 'trunk', node_id: 'R_1' } },
    );
    const client = createGitHubOctokit({
      token: 't',
      baseUrl: FakeGitHub.origin,
      fetch: fake.http.fetch,
      throttle: false,
      retries: 2,
      retryBaseMs: 1,
    });
    expect(await new GitHubForge(client).defaultBranch(REPO)).toBe('trunk');
    expect(fake.http.calls()).toEqual(['GET /repos/shop/gitops', 'GET /repos/shop/gitops']);
  });
});

describe('GitHub errors become typed errors', () => {
  function typed(error: unknown): string {
    expect(error).toBeInstanceOf(GantryError);
    return (error as Error).constructor.name;
  }

  it('converts 404, 5xx, 403, GraphQL errors and network failures; no SDK class escapes', async () => {
    const { fake, forge } = githubWorld({ 'README.md': 'x' });
    current = fake;
    fake.http.on('GET', '/repos/:owner/:repo/pulls/:n', (_r, p) =>
      p.n === '500'
        ? { status: 500, body: { message: 'Server Error' } }
        : p.n === '403'
          ? {
              status: 403,
              body: {
                message: 'Resource not accessible by integration',
                documentation_url: 'https://docs.github.com',
              },
            }
          : { status: 404, body: { message: 'Not Found' } },
    );
    const outcomes = await Promise.all(
      [404, 500, 403].map((n) =>
        forge.getPullRequest(REPO, n).then(
          () => 'resolved',
          (e: unknown) => e,
        ),
      ),
    );
    // A 5xx may pass with time (RetryableError is a ForgeError); a 403 without a rate limit will not.
    expect(outcomes.map(typed)).toEqual(['NotFoundError', 'RetryableError', 'ForgeError']);
    expect(outcomes[1]).toMatchObject({ status: 500, body: { message: 'Server Error' } });
    expect(outcomes[2]).toMatchObject({
      status: 403,
      message: expect.stringContaining('Resource not accessible'),
    });

    fake.http.on('POST', '/graphql', () => ({
      body: { data: null, errors: [{ type: 'FORBIDDEN', message: 'no access' }] },
    }));
    const graphql = await forge.readFiles(REPO, ['a'], 'main').catch((e: unknown) => e);
    expect(graphql).toBeInstanceOf(ForgeError);
    expect(graphql).toMatchObject({ status: 403, body: [{ type: 'FORBIDDEN', message: 'no access' }] });

    const offline = new GitHubForge(
      createGitHubOctokit({
        token: 't',
        baseUrl: FakeGitHub.origin,
        throttle: false,
        retries: 0,
        fetch: () => Promise.reject(new TypeError('fetch failed')),
      }),
    );
    const network = await offline.defaultBranch(REPO).catch((e: unknown) => e);
    expect(typed(network)).toBe('RetryableError');
    expect((network as ForgeError).status).toBe(500);
  });

  it('says ConflictError only for ref and PR races, not for every 409 or 422', async () => {
    const { fake, forge } = githubWorld({ 'README.md': 'x' });
    current = fake;
    fake.http.on('POST', '/repos/:owner/:repo/statuses/:sha', () => ({
      status: 422,
      body: { message: 'Validation Failed', errors: [{ message: 'No commit found for SHA' }] },
    }));
    const status = await forge
      .setCommitStatus(REPO, 'f'.repeat(40), {
        context: 'gantry/canary',
        state: 'success',
        description: 'ok',
      })
      .catch((e: unknown) => e);
    expect(status).toBeInstanceOf(ForgeError);
    expect(status).not.toBeInstanceOf(ConflictError);
    expect((status as Error).message).toContain('No commit found for SHA');
    await expect(forge.readFile(REPO, 'README.md', 'nope')).rejects.toBeInstanceOf(NotFoundError);
  });
});
