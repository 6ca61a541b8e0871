import type { AppConfig, EnvironmentConfig, GantryConfig } from '../config/schema.ts';
import { UsageError } from '../errors.ts';
import { didYouMean } from '../text/did-you-mean.ts';

/** Where versions live: an environment without targets, or one target of an environment. */
export interface Location {
  environment: string;
  /** The value of `{env}` in artifact paths: the target name, or the environment name. */
  name: string;
  /** The repository the location's files are in; undefined: the one holding .gantry.yml. */
  repo?: string;
  /** An explicit source (`targets: [{ name: prod-eu, from: staging-eu }]`). */
  from?: string;
}

export function environments(config: GantryConfig): EnvironmentConfig[] {
  return config.environments ?? [];
}

/** The environments an environment is promoted from (several: fan-in). */
export function afterOf(env: EnvironmentConfig): string[] {
  return env.after === undefined ? [] : typeof env.after === 'string' ? [env.after] : env.after;
}

/** How a promotion into `env` lands. */
export function viaOf(env: EnvironmentConfig): 'pr' | 'auto-merge' | 'commit' {
  return env.via ?? 'pr';
}

export function locationsOf(env: EnvironmentConfig): Location[] {
  if (!env.targets) return [{ environment: env.name, name: env.name, ...repoOf(env.repo) }];
  return env.targets.map((t) =>
    typeof t === 'string'
      ? { environment: env.name, name: t, ...repoOf(env.repo) }
      : {
          environment: env.name,
          name: t.name,
          ...repoOf(t.repo ?? env.repo),
          ...(t.from ? { from: t.from } : {}),
        },
  );
}

/** The names of an environment's targets (its own name when it has none). */
export function targetNames(env: EnvironmentConfig): string[] {
  return locationsOf(env).map((l) => l.name);
}

/**
 * Where one app lives in an environment: its own `targets.<env>` when it has them (repository
 * and `from` taken from the environment's target of the same name), filtered by its
 * `environments` list. Empty: the app is absent there.
 */
export function appLocationsOf(env: EnvironmentConfig, app: AppConfig | undefined): Location[] {
  const own = locationsOf(env);
  const names = app?.targets?.[env.name];
  const locations = names
    ? names.map(
        (name) => own.find((l) => l.name === name) ?? { environment: env.name, name, ...repoOf(env.repo) },
      )
    : own;
  const only = app?.environments;
  return only ? locations.filter((l) => only.includes(env.name) || only.includes(l.name)) : locations;
}

/** Every place a version can live, in configuration order: the columns of `gantry status`. */
export function allLocations(config: GantryConfig): Location[] {
  return environments(config).flatMap(locationsOf);
}

export interface Destination {
  env: EnvironmentConfig;
  locations: Location[];
  /** One target was asked for, not the whole environment. */
  target?: string;
}

/** `prod` → all of prod's targets; `prod/eu-west` → that target. */
export function resolveDestination(config: GantryConfig, name: string): Destination {
  const envs = environments(config);
  const env = envs.find((e) => e.name === name);
  if (env) return { env, locations: locationsOf(env) };
  for (const candidate of envs) {
    const location = locationsOf(candidate).find((l) => l.name === name);
    if (location && candidate.targets) return { env: candidate, locations: [location], target: name };
  }
  // A target only some apps have (`apps.<app>.targets`).
  for (const candidate of envs) {
    const owned = Object.values(config.apps ?? {}).some((a) => a.targets?.[candidate.name]?.includes(name));
    if (owned) return { env: candidate, locations: [], target: name };
  }
  const known = allLocations(config).map((l) => l.name);
  const names = [...new Set([...envs.map((e) => e.name), ...known])];
  throw new UsageError(
    `unknown environment "${name}"${didYouMean(name, names)}; expected one of: ${names.join(', ')}`,
  );
}

/** The destination's locations for one app: where it lives among what was asked for. */
export function appDestination(destination: Destination, app: AppConfig | undefined): Location[] {
  const all = appLocationsOf(destination.env, app);
  return destination.target ? all.filter((l) => l.name === destination.target) : all;
}

/** The environments a version may pass through before `env`, nearest first (every branch of a fan-in). */
export function predecessors(config: GantryConfig, env: EnvironmentConfig): EnvironmentConfig[] {
  const out: EnvironmentConfig[] = [];
  const queue = [env];
  while (queue.length) {
    const current = queue.shift()!;
    for (const name of afterOf(current)) {
      const previous = environments(config).find((e) => e.name === name);
      if (!previous || previous === env || out.includes(previous)) continue;
      out.push(previous);
      queue.push(previous);
    }
  }
  return out;
}

function repoOf(repo: string | undefined): { repo?: string } {
  return repo ? { repo } : {};
}
