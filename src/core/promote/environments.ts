import type { EnvironmentConfig, GantryConfig } from '../config/schema.ts';
import { UsageError } from '../errors.ts';
import { didYouMean } from '../text/did-you-mean.ts';

/** Where versions live: an environment without targets, or one target of an environment. */
export interface Location {
  environment: string;
  /** The value of `{env}` in artifact paths: the target name, or the environment name. */
  name: string;
}

export function environments(config: GantryConfig): EnvironmentConfig[] {
  return config.environments ?? [];
}

export function locationsOf(env: EnvironmentConfig): Location[] {
  return (env.targets ?? [env.name]).map((name) => ({ environment: env.name, name }));
}

/** Every place a version can live, in configuration order: the columns of `gantry status`. */
export function allLocations(config: GantryConfig): Location[] {
  return environments(config).flatMap(locationsOf);
}

/** `prod` → all of prod's targets; `prod/eu-west` → that target. */
export function resolveDestination(
  config: GantryConfig,
  name: string,
): { env: EnvironmentConfig; locations: Location[] } {
  const envs = environments(config);
  const env = envs.find((e) => e.name === name);
  if (env) return { env, locations: locationsOf(env) };
  for (const candidate of envs) {
    const location = locationsOf(candidate).find((l) => l.name === name);
    if (location && candidate.targets) return { env: candidate, locations: [location] };
  }
  const known = allLocations(config).map((l) => l.name);
  const names = [...new Set([...envs.map((e) => e.name), ...known])];
  throw new UsageError(
    `unknown environment "${name}"${didYouMean(name, names)}; expected one of: ${names.join(', ')}`,
  );
}

/** The environments a version passes through before `env`, nearest first. */
export function predecessors(config: GantryConfig, env: EnvironmentConfig): EnvironmentConfig[] {
  const out: EnvironmentConfig[] = [];
  let current = env;
  while (current.after) {
    const previous = environments(config).find((e) => e.name === current.after);
    if (!previous || out.includes(previous)) break;
    out.push(previous);
    current = previous;
  }
  return out;
}

/**
 * Where each destination location takes its versions from. `from` defaults to the destination
 * environment's `after`. A source environment with several targets maps region to region
 * (`staging/eu` → `prod/eu`) when the names match, otherwise every source target is a
 * candidate and they must agree (the planner checks).
 */
export function resolveSources(
  config: GantryConfig,
  destination: { env: EnvironmentConfig; locations: Location[] },
  from: string | undefined,
): { env: EnvironmentConfig; sources: Map<string, Location[]> } {
  const { env } = destination;
  if (!env.after) {
    const next = environments(config)
      .filter((e) => e.after === env.name)
      .map((e) => e.name);
    throw new UsageError(
      `"${env.name}" is a first environment: versions reach it by release (a tag), nothing promotes into it${next.length ? `; promote into ${next.join(' or ')}, which comes after it` : ''}`,
    );
  }
  const sourceName = from ?? env.after;
  const resolved = resolveDestination(config, sourceName);
  const before = predecessors(config, env);
  if (!before.some((e) => e.name === resolved.env.name)) {
    const order = [...before].reverse().map((e) => e.name);
    throw new UsageError(
      `"${sourceName}" does not come before "${env.name}"${order.length ? `; "${env.name}" comes after: ${order.join(' → ')}` : ''}`,
    );
  }
  const sources = new Map<string, Location[]>();
  for (const location of destination.locations) {
    const region = location.name.split('/').slice(1).join('/');
    const twin = region
      ? resolved.locations.find((l) => l.name.split('/').slice(1).join('/') === region)
      : undefined;
    sources.set(location.name, twin ? [twin] : resolved.locations);
  }
  return { env: resolved.env, sources };
}
