import { durationSeconds } from '../../core/canary/promql.ts';
import type { CanaryConfig } from '../../core/config/index.ts';
import { ValidationError } from '../../core/errors.ts';
import type { PrometheusOptions } from './client.ts';

/**
 * Client options from `canary.prometheus`: the URL (or `overrideUrl`, e.g. from --prometheus),
 * extra headers, the timeout, and credentials read from the environment variables the file
 * names — the file never holds a secret.
 */
export function prometheusOptions(
  config: CanaryConfig['prometheus'],
  env: Readonly<Record<string, string | undefined>>,
  overrideUrl?: string,
): PrometheusOptions {
  if (typeof config === 'string' && !/^https?:\/\//.test(config) && overrideUrl === undefined) {
    throw new ValidationError(
      `canary.prometheus names the datasource "${config}", which only the bot resolves; give the URL (--prometheus URL)`,
    );
  }
  const settings = typeof config === 'string' ? { url: config } : config;
  const headers: Record<string, string> = { ...('headers' in settings ? settings.headers : {}) };
  const auth = 'auth' in settings ? settings.auth : undefined;
  const read = (name: string, field: string) => {
    const value = env[name];
    if (!value) {
      throw new ValidationError(
        `canary.prometheus.auth.${field} names ${name}, but that environment variable is not set`,
      );
    }
    return value;
  };
  if (auth?.type === 'bearer') headers.authorization = `Bearer ${read(auth.tokenEnv, 'tokenEnv')}`;
  if (auth?.type === 'basic') {
    const user = read(auth.usernameEnv, 'usernameEnv');
    const password = read(auth.passwordEnv, 'passwordEnv');
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  const timeout = 'timeout' in settings && settings.timeout ? durationSeconds(settings.timeout) : undefined;
  const url = overrideUrl ?? settings.url;
  if (!/^https?:\/\//.test(url) || !URL.canParse(url)) {
    throw new ValidationError(`"${url}" is not an http(s) URL for Prometheus`);
  }
  return { url, headers, ...(timeout ? { timeoutMs: timeout * 1000 } : {}) };
}
