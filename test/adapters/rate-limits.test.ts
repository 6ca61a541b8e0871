import { describe, expect, it } from 'vitest';
import { ForgeError, RetryableError } from '../../src/core/errors.ts';
import { githubWorld, REPO } from '../support/github-harness.ts';
import { gitlabWorld, PROJECT } from '../support/gitlab-harness.ts';

/**
 * Rate limits as the forges document them become RetryableError carrying the wait the server
 * asked for, after one request (no blind in-client retry loop); permission errors do not.
 */
const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('GitHub rate limits (docs: "Rate limits for the REST API", "Best practices")', () => {
  it('secondary limit: 403 with retry-after → wait retry-after; without it → at least a minute', async () => {
    const { fake, forge } = githubWorld({ 'README.md': 'x' });
    fake.http.on('GET', '/repos/:owner/:repo', () => ({
      status: 403,
      headers: { 'retry-after': '30' },
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        status: '403',
      },
    }));
    const withHeader = await caught(forge.defaultBranch(REPO));
    expect(withHeader).toBeInstanceOf(RetryableError);
    expect(withHeader).toMatchObject({ status: 403, retryAfterMs: 30_000 });
    fake.http.on('GET', '/repos/:owner/:repo', () => ({
      status: 403,
      body: { message: 'You have exceeded a secondary rate limit.', status: '403' },
    }));
    expect(await caught(forge.defaultBranch(REPO))).toMatchObject({ retryAfterMs: 60_000 });
  });

  it('primary limit: 403 with x-ratelimit-remaining 0 → wait until x-ratelimit-reset', async () => {
    const { fake, forge } = githubWorld({ 'README.md': 'x' });
    const reset = Math.floor(Date.now() / 1000) + 120;
    fake.http.on('GET', '/repos/:owner/:repo', () => ({
      status: 403,
      headers: {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        'x-ratelimit-reset': String(reset),
      },
      body: { message: 'API rate limit exceeded for installation ID 1.', status: '403' },
    }));
    const error = (await caught(forge.defaultBranch(REPO))) as RetryableError;
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.retryAfterMs).toBeGreaterThan(110_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('429 with retry-after: 2 → 2 s; a 403 that is only a missing permission is not retryable', async () => {
    const { fake, forge } = githubWorld({ 'README.md': 'x' });
    fake.http.on('POST', '/repos/:owner/:repo/pulls', () => ({
      status: 429,
      headers: { 'retry-after': '2' },
      body: { message: 'Too Many Requests' },
    }));
    const limited = await caught(
      forge.createPullRequest(REPO, { head: 'a', base: 'main', title: 't', body: 'b' }),
    );
    expect(limited).toMatchObject({ status: 429, retryAfterMs: 2000 });
    expect(fake.http.calls().filter((c) => c.startsWith('POST'))).toHaveLength(1);
    fake.http.on('GET', '/repos/:owner/:repo', () => ({
      status: 403,
      body: { message: 'Resource not accessible by integration', status: '403' },
    }));
    const denied = await caught(forge.defaultBranch(REPO));
    expect(denied).toBeInstanceOf(ForgeError);
    expect(denied).not.toBeInstanceOf(RetryableError);
  });

  it('GraphQL RATE_LIMITED (HTTP 200) → retryable, waiting until x-ratelimit-reset', async () => {
    const { fake, forge } = githubWorld({ 'README.md': 'x' });
    const reset = Math.floor(Date.now() / 1000) + 60;
    fake.http.on('POST', '/graphql', () => ({
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { data: null, errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded' }] },
    }));
    const error = (await caught(forge.readFiles(REPO, ['README.md'], 'main'))) as RetryableError;
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.retryAfterMs).toBeGreaterThan(50_000);
  });
});

describe('GitLab rate limits (docs: "Rate limits", RateLimit-* headers)', () => {
  it('429 with Retry-After → one request, RetryableError with the wait (gitbeaker retried 10× in ~150 ms)', async () => {
    const { fake, forge } = gitlabWorld({ 'README.md': 'x' });
    fake.http.on('POST', '/api/v4/projects/:id/merge_requests', () => ({
      status: 429,
      headers: {
        'retry-after': '2',
        'ratelimit-limit': '60',
        'ratelimit-observed': '61',
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 2),
      },
      body: 'Retry later',
    }));
    const error = await caught(
      forge.createPullRequest(PROJECT, { head: 'a', base: 'main', title: 't', body: 'b' }),
    );
    expect(error).toMatchObject({ status: 429, retryAfterMs: 2000 });
    expect(fake.http.calls().filter((c) => c.startsWith('POST'))).toHaveLength(1);
  });

  it('429 with only RateLimit-Reset → wait until the reset; 502 and 409 → retryable; 403 → not', async () => {
    const { fake, forge } = gitlabWorld({ 'README.md': 'x' });
    fake.http.on('GET', '/api/v4/projects/:id', () => ({
      status: 429,
      headers: { 'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 30) },
      body: { message: 'Retry later' },
    }));
    const reset = (await caught(forge.defaultBranch(PROJECT))) as RetryableError;
    expect(reset.retryAfterMs).toBeGreaterThan(25_000);
    for (const status of [502, 409]) {
      fake.http.on('GET', '/api/v4/projects/:id', () => ({ status, body: { message: `${status}` } }));
      const error = await caught(forge.defaultBranch(PROJECT));
      expect(error).toBeInstanceOf(RetryableError);
      expect(error).toMatchObject({ status, retryAfterMs: undefined });
    }
    fake.http.on('GET', '/api/v4/projects/:id', () => ({ status: 403, body: { message: '403 Forbidden' } }));
    expect(await caught(forge.defaultBranch(PROJECT))).not.toBeInstanceOf(RetryableError);
    expect(fake.http.calls()).toHaveLength(4);
  });

  it('GraphQL answers 429 with Retry-After → RetryableError with the wait', async () => {
    const { fake, forge } = gitlabWorld({ 'README.md': 'x' });
    fake.http.on('POST', '/api/graphql', () => ({
      status: 429,
      headers: { 'retry-after': '3' },
      body: { message: 'Retry later' },
    }));
    expect(await caught(forge.readFiles(PROJECT, ['README.md'], 'main'))).toMatchObject({
      status: 429,
      retryAfterMs: 3000,
    });
  });
});
