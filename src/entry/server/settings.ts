import { UsageError } from '../../core/errors.ts';
import { type RegistrationSettings, readRegistration } from './github-setup.ts';
import { loadPrivateKey } from './private-key.ts';
import { DEFAULT_LIMITS, type WebhookLimits } from './webhook-guard.ts';

/** A GitLab webhook secret for every project under a path (`group`, `group/sub`, `group/sub/project`). */
export interface GitLabSecret {
  prefix: string;
  secret: string;
}

export interface ServerSettings {
  port: number;
  host: string;
  /** METRICS_PORT: /metrics (and health) on their own port, kept off the public webhook port. */
  metricsPort?: number;
  /** GitHub App credentials; without them the server offers Probot's registration flow. */
  github?: { appId: string; privateKey: string; secret: string; baseUrl?: string };
  /** Without GitHub App credentials: where the App registration flow runs (BASE_URL, GHE_HOST, GH_ORG). */
  registration?: RegistrationSettings;
  /** `botUsername`: the token's user, whose notes are never commands (GITLAB_BOT_USERNAME). */
  gitlab?: { url: string; token: string; secrets: GitLabSecret[]; botUsername?: string };
  redisUrl?: string;
  /** Delivery retries (GANTRY_RETRY_BASE_MS, GANTRY_RETRY_MAX_MS, GANTRY_RETRY_DEADLINE_MS); defaults in core/retry. */
  retry?: { baseMs?: number; maxMs?: number; deadlineMs?: number };
  /**
   * How long a replica owns a running job or a repository lock without renewing it
   * (GANTRY_JOB_LOCK_MS, with Redis only): after a crash another replica takes the job and the
   * lock over once this has passed. Default 30 s.
   */
  jobLockMs?: number;
  /** A forge request unanswered after this long fails and is retried (GANTRY_REQUEST_TIMEOUT_MS, default 60 s). */
  requestTimeoutMs?: number;
  /** How often repositories gantry worked on are swept for orphaned gantry/* branches (GANTRY_SWEEP_MS). */
  sweepMs?: number;
  /** Webhook edge limits (GANTRY_WEBHOOK_*); defaults when absent. */
  webhooks?: WebhookLimits;
  /** The name `@<name> …` commands may use. */
  botName: string;
  logLevel: string;
}

/**
 * Server settings from the environment (names as in Probot, plus GITLAB_*). Throws
 * UsageError naming the variable when one is malformed.
 */
export function readSettings(env: Record<string, string | undefined>): ServerSettings {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`PORT: expected a port number, got "${env.PORT}"`);
  const metricsPort = env.METRICS_PORT === undefined ? undefined : Number(env.METRICS_PORT);
  if (metricsPort !== undefined && (!/^\d+$/.test(env.METRICS_PORT!) || metricsPort > 65535))
    throw new UsageError(`METRICS_PORT: expected a port number, got "${env.METRICS_PORT}"`);
  const privateKey = loadPrivateKey(env);
  if (Boolean(env.APP_ID) !== Boolean(privateKey))
    throw new UsageError(
      env.APP_ID
        ? 'PRIVATE_KEY or PRIVATE_KEY_PATH: required with APP_ID'
        : 'APP_ID: required with PRIVATE_KEY',
    );
  let github: ServerSettings['github'];
  if (env.APP_ID && privateKey) {
    if (!env.WEBHOOK_SECRET)
      throw new UsageError('WEBHOOK_SECRET: required with APP_ID, to verify GitHub webhook signatures');
    const baseUrl = env.GHE_HOST ? `https://${env.GHE_HOST}/api/v3` : env.GITHUB_API_URL;
    github = {
      appId: env.APP_ID,
      privateKey,
      secret: env.WEBHOOK_SECRET,
      ...(baseUrl ? { baseUrl } : {}),
    };
  }
  let gitlab: ServerSettings['gitlab'];
  if (env.GITLAB_URL || env.GITLAB_TOKEN) {
    if (!env.GITLAB_URL || !env.GITLAB_TOKEN)
      throw new UsageError('GITLAB_URL and GITLAB_TOKEN: set both to enable GitLab');
    if (!/^https?:\/\//.test(env.GITLAB_URL))
      throw new UsageError(`GITLAB_URL: expected an http(s) URL, got "${env.GITLAB_URL}"`);
    const secrets = gitlabSecrets(env);
    if (secrets.length === 0) {
      throw new UsageError(
        'GITLAB_WEBHOOK_SECRET or GITLAB_WEBHOOK_SECRETS: required, to verify X-Gitlab-Token',
      );
    }
    gitlab = {
      url: env.GITLAB_URL.replace(/\/+$/, ''),
      token: env.GITLAB_TOKEN,
      secrets,
      ...(env.GITLAB_BOT_USERNAME ? { botUsername: env.GITLAB_BOT_USERNAME } : {}),
    };
  }
  const retry = {
    ...optionalMs(env, 'GANTRY_RETRY_BASE_MS', 'baseMs'),
    ...optionalMs(env, 'GANTRY_RETRY_MAX_MS', 'maxMs'),
    ...optionalMs(env, 'GANTRY_RETRY_DEADLINE_MS', 'deadlineMs'),
  };
  const lock = optionalMs(env, 'GANTRY_JOB_LOCK_MS', 'jobLockMs');
  const sweep = optionalMs(env, 'GANTRY_SWEEP_MS', 'sweepMs');
  const timeout = optionalMs(env, 'GANTRY_REQUEST_TIMEOUT_MS', 'requestTimeoutMs');
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    ...(Object.keys(retry).length ? { retry } : {}),
    ...lock,
    ...sweep,
    ...timeout,
    ...(metricsPort !== undefined ? { metricsPort } : {}),
    ...(github ? { github } : { registration: readRegistration(env) }),
    ...(gitlab ? { gitlab } : {}),
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
    webhooks: webhookLimits(env),
    botName: env.GANTRY_BOT_NAME ?? 'gantry',
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}

/** A positive integer of milliseconds from `name`, as `{ [key]: ms }`, or nothing when unset. */
function optionalMs<K extends string>(
  env: Record<string, string | undefined>,
  name: string,
  key: K,
): Partial<Record<K, number>> {
  const raw = env[name];
  if (raw === undefined || raw === '') return {};
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms <= 0)
    throw new UsageError(`${name}: expected a positive number of milliseconds, got "${raw}"`);
  return { [key]: ms } as Partial<Record<K, number>>;
}

/** GANTRY_WEBHOOK_RATE, _BURST, _AUTH_FAILURES, _BODIES, _BODY_BYTES (positive integers) and GANTRY_TRUST_PROXY=1. */
function webhookLimits(env: Record<string, string | undefined>): WebhookLimits {
  const int = (name: string, fallback: number) => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 1)
      throw new UsageError(`${name}: expected a positive integer, got "${text}"`);
    return value;
  };
  return {
    ratePerSecond: int('GANTRY_WEBHOOK_RATE', DEFAULT_LIMITS.ratePerSecond),
    burst: int('GANTRY_WEBHOOK_BURST', DEFAULT_LIMITS.burst),
    failures: int('GANTRY_WEBHOOK_AUTH_FAILURES', DEFAULT_LIMITS.failures),
    bodies: int('GANTRY_WEBHOOK_BODIES', DEFAULT_LIMITS.bodies),
    bodyBytes: int('GANTRY_WEBHOOK_BODY_BYTES', DEFAULT_LIMITS.bodyBytes),
    trustProxy: env.GANTRY_TRUST_PROXY === '1' || env.GANTRY_TRUST_PROXY === 'true',
  };
}

/** `GITLAB_WEBHOOK_SECRET` for every project, `GITLAB_WEBHOOK_SECRETS` = {"group/sub": "secret"} per path. */
function gitlabSecrets(env: Record<string, string | undefined>): GitLabSecret[] {
  const out: GitLabSecret[] = [];
  if (env.GITLAB_WEBHOOK_SECRETS) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.GITLAB_WEBHOOK_SECRETS);
    } catch {
      throw new UsageError('GITLAB_WEBHOOK_SECRETS: expected a JSON object {"group/project": "secret"}');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new UsageError('GITLAB_WEBHOOK_SECRETS: expected a JSON object {"group/project": "secret"}');
    }
    for (const [prefix, secret] of Object.entries(parsed)) {
      if (typeof secret !== 'string' || secret.length < 8) {
        throw new UsageError(
          `GITLAB_WEBHOOK_SECRETS: the secret for "${prefix}" must be a string of at least 8 characters`,
        );
      }
      out.push({ prefix: prefix.replace(/^\/+|\/+$/g, ''), secret });
    }
  }
  if (env.GITLAB_WEBHOOK_SECRET) out.push({ prefix: '', secret: env.GITLAB_WEBHOOK_SECRET });
  // Longest prefix first: the most specific secret applies.
  return out.sort((a, b) => b.prefix.length - a.prefix.length);
}

/** The secret that guards a project's webhooks, by longest matching path prefix. */
export function secretFor(secrets: readonly GitLabSecret[], project: string): string | undefined {
  return secrets.find((s) => s.prefix === '' || project === s.prefix || project.startsWith(`${s.prefix}/`))
    ?.secret;
}
