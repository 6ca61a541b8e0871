import type { EnvironmentConfig, GantryConfig } from '../core/config/index.ts';
import { UsageError } from '../core/errors.ts';
import { targetNames } from '../core/promote/environments.ts';
import { didYouMean } from '../core/text/did-you-mean.ts';

export interface Target {
  environment?: EnvironmentConfig;
  /** The environment's canary settings that override the canary section. */
  canary: { window?: string; step?: string; rollback?: 'auto' | 'manual' };
}

const APP = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const TARGET = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/**
 * Checks the app and environment an analysis is for, and finds the environment's canary
 * settings. With `apps:` or `environments:` in the file, the names must be among them;
 * without, they must at least look like names (they end up in label values, escaped). A name
 * that is not one is a usage error (exit 64), as in every command.
 */
export function resolveTarget(config: GantryConfig, app: string, environment: string): Target {
  const apps = Object.keys(config.apps ?? {});
  if (apps.length > 0 && !apps.includes(app)) {
    throw new UsageError(
      `"${app}" is not an app${didYouMean(app, apps)}; expected one of: ${apps.join(', ')}`,
    );
  }
  if (!APP.test(app)) throw new UsageError(`"${app}" is not an app name (lowercase letters, digits, "-")`);
  if (!TARGET.test(environment)) throw new UsageError(`"${environment}" is not an environment name`);
  const envs = config.environments ?? [];
  if (envs.length === 0) return { canary: {} };
  const found = envs.find((e) => e.name === environment || targetNames(e).includes(environment));
  if (!found) {
    const names = envs.flatMap((e) => [e.name, ...(e.targets ? targetNames(e) : [])]);
    throw new UsageError(
      `"${environment}" is not an environment or target${didYouMean(environment, names)}; expected one of: ${names.join(', ')}`,
    );
  }
  const canary = typeof found.canary === 'object' ? found.canary : {};
  return { environment: found, canary };
}
