import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

/**
 * What the GitHub adapter needs from an Octokit: the REST endpoint methods, `request` and
 * `graphql`. Probot's per-installation `context.octokit` and a plain `@octokit/rest` instance
 * both have them (a type test keeps it so).
 */
export type GitHubClient = Pick<Octokit, 'rest' | 'request' | 'graphql'>;

export interface GitHubOctokitOptions {
  token: string;
  /** REST base URL; GitHub Enterprise Server: `https://ghe.example.com/api/v3`. */
  baseUrl?: string;
  /** Retries of a request that failed with a 5xx or a network error (default 3). */
  retries?: number;
  /** Milliseconds the retry back-off is multiplied by (default 1000: 1 s, 4 s, 9 s). */
  retryBaseMs?: number;
  /**
   * Honour primary and secondary rate limits and space writes (default true). It serialises
   * writes at least one second apart, so tests that count calls turn it off.
   */
  throttle?: boolean;
  /** How many times a rate-limited request is retried, when the wait is at most a minute (default 2). */
  rateLimitRetries?: number;
  /** Where rate-limit waits are reported. */
  warn?: (message: string) => void;
  /** For tests and proxies. */
  fetch?: typeof fetch;
}

const GantryOctokit = Octokit.plugin(retry, throttling);

/**
 * An Octokit for use outside Probot (the CLI and the Action): token auth, REST endpoint
 * methods, retry and throttling — the same plugins Probot gives each installation.
 */
export function createGitHubOctokit(options: GitHubOctokitOptions): GitHubClient {
  const rateLimitRetries = options.rateLimitRetries ?? 2;
  const warn = options.warn ?? (() => {});
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const again = retryCount < rateLimitRetries && retryAfter <= 60;
      warn(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}: ${again ? `retrying in ${retryAfter}s` : 'giving up'}`,
      );
      return again;
    };
  const quiet = () => {};
  return new GantryOctokit({
    auth: options.token,
    // Failed requests are converted into typed errors and thrown to the caller, who decides
    // whether they matter (a 404 from a branch lookup is an answer); Octokit need not log them.
    log: { debug: quiet, info: quiet, warn: (message: string) => warn(message), error: quiet },
    userAgent: 'gantry',
    ...(options.baseUrl ? { baseUrl: options.baseUrl.replace(/\/+$/, '') } : {}),
    ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
    retry: { retries: options.retries ?? 3, retryAfterBaseValue: options.retryBaseMs ?? 1000 },
    throttle:
      options.throttle === false
        ? { enabled: false }
        : { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') },
  });
}

/** The web URL matching an Octokit's API base URL (`api.github.com` → `github.com`, GHES `/api/v3` dropped). */
export function webUrlOf(client: GitHubClient): string {
  const base = String(client.request.endpoint.DEFAULTS.baseUrl ?? 'https://api.github.com').replace(
    /\/+$/,
    '',
  );
  if (/^https?:\/\/api\.github\.com$/i.test(base)) return 'https://github.com';
  return base.replace(/\/api\/v3$/i, '');
}
