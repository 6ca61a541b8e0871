import type { PrometheusOptions } from '../../adapters/prometheus/client.ts';
import { durationSeconds } from '../../core/canary/promql.ts';
import type { CanaryConfig } from '../../core/config/schema.ts';
import { UsageError, ValidationError } from '../../core/errors.ts';

/** A Prometheus the operator declared, with the credentials that may be sent to it and nowhere else. */
export interface Datasource {
  name: string;
  url: string;
  authorization?: string;
}

export interface Datasources {
  byName: Map<string, Datasource>;
  /** Undeclared URLs are queried without credentials (GANTRY_PROMETHEUS_ALLOW_UNDECLARED=1) instead of refused. */
  allowUndeclared: boolean;
}

const NAMED = /^GANTRY_PROMETHEUS_([A-Z0-9][A-Z0-9_]*)_URL$/;

/**
 * The bot's Prometheus datasources from its environment: `PROMETHEUS_URL` (+ `PROMETHEUS_TOKEN`,
 * or `PROMETHEUS_USERNAME` and `PROMETHEUS_PASSWORD`) is `default`; `GANTRY_PROMETHEUS_<NAME>_URL`
 * (+ `_TOKEN`, or `_USERNAME` and `_PASSWORD`) is `<name>` (lowercase, `_` → `-`). Throws a
 * UsageError naming the variable when one is malformed.
 */
export function readDatasources(env: Readonly<Record<string, string | undefined>>): Datasources {
  const byName = new Map<string, Datasource>();
  const add = (name: string, prefix: string) => {
    const url = env[`${prefix}URL`];
    const token = env[`${prefix}TOKEN`];
    const [username, password] = [env[`${prefix}USERNAME`], env[`${prefix}PASSWORD`]];
    if (!url) {
      if (token || username || password)
        throw new UsageError(`${prefix}URL: required with ${prefix}TOKEN, _USERNAME or _PASSWORD`);
      return;
    }
    if (!/^https?:\/\//.test(url) || !URL.canParse(url))
      throw new UsageError(`${prefix}URL: expected an http(s) URL, got "${url}"`);
    if (token && (username || password))
      throw new UsageError(`${prefix}TOKEN and ${prefix}USERNAME/PASSWORD: set one kind of credentials`);
    if (Boolean(username) !== Boolean(password))
      throw new UsageError(`${prefix}USERNAME and ${prefix}PASSWORD: set both for basic auth`);
    const authorization = token
      ? `Bearer ${token}`
      : username
        ? `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
        : undefined;
    byName.set(name, { name, url: normaliseUrl(url), ...(authorization ? { authorization } : {}) });
  };
  add('default', 'PROMETHEUS_');
  for (const variable of Object.keys(env).sort()) {
    const match = NAMED.exec(variable);
    if (match) add(match[1]!.toLowerCase().replace(/_/g, '-'), `GANTRY_PROMETHEUS_${match[1]}_`);
  }
  const allow = env.GANTRY_PROMETHEUS_ALLOW_UNDECLARED;
  return { byName, allowUndeclared: allow === '1' || allow === 'true' };
}

/** Scheme, host, port and path, without a trailing slash: how two URLs of one Prometheus compare. */
export function normaliseUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}${parsed.search}`;
}

/**
 * Client options for a repository's `canary.prometheus`: a declared datasource by name or by
 * URL, with that datasource's credentials. The repository's `auth:` never picks credentials:
 * an undeclared URL is refused, or — when the operator allows it — queried without any.
 */
export function resolveDatasource(
  prometheus: CanaryConfig['prometheus'],
  sources: Datasources,
): PrometheusOptions {
  const settings = typeof prometheus === 'string' ? { url: prometheus } : prometheus;
  const headers: Record<string, string> = { ...('headers' in settings ? settings.headers : {}) };
  const timeout = 'timeout' in settings && settings.timeout ? durationSeconds(settings.timeout) : undefined;
  const extra = timeout ? { timeoutMs: timeout * 1000 } : {};
  const declared = [...sources.byName.keys()].join(', ') || 'none';
  const isUrl = /^https?:\/\//.test(settings.url);
  const source = isUrl
    ? [...sources.byName.values()].find((s) => s.url === normaliseUrl(settings.url))
    : sources.byName.get(settings.url);
  if (source) {
    // Header names are case-insensitive: no header from the file stands beside the datasource's.
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete headers[name];
    if (source.authorization) headers.authorization = source.authorization;
    return { url: source.url, headers, ...extra };
  }
  if (!isUrl) {
    throw new ValidationError(
      `canary.prometheus: "${settings.url}" is not a datasource of this bot (declared: ${declared})`,
    );
  }
  if (!sources.allowUndeclared) {
    throw new ValidationError(
      `canary.prometheus: ${settings.url} is not a datasource this bot declares (declared: ${declared}); name one, or ask the operator to declare it with GANTRY_PROMETHEUS_<NAME>_URL`,
    );
  }
  if ('auth' in settings && settings.auth) {
    throw new ValidationError(
      `canary.prometheus.auth: the bot sends credentials only to the datasources it declares (${declared}); ${settings.url} is not one`,
    );
  }
  return { url: settings.url, headers, ...extra };
}
