import type { AppConfig, GantryConfig } from '../config/schema.ts';
import { UsageError } from '../errors.ts';
import {
  afterOf,
  appDestination,
  appLocationsOf,
  type Destination,
  environments,
  type Location,
  predecessors,
  resolveDestination,
} from './environments.ts';

/** Where one app's destination locations take their versions from. */
export interface Sources {
  /** The destination locations the app lives in. */
  locations: Location[];
  /**
   * Per destination location: candidate groups, one per source environment. The locations of
   * a group must agree; between groups `rule` decides (fan-in: the newest, or all must agree).
   */
  groups: Map<string, Location[][]>;
  rule: 'any' | 'all';
  /** Things the PR should say about where the versions come from (a backport). */
  notes: string[];
}

/**
 * Pairs each destination location of an app with its source. An explicit `from` (CLI `--from`,
 * `/gantry promote … --from`) may be any other place: an earlier environment, a sibling target
 * of the same environment (prod-asia → prod-eu) or a later one (a backport, noted). Without
 * it: a target's own `from`, else the environment's `after` (several: fan-in), target to
 * target by region (`staging/eu` → `prod/eu`, `staging-eu` → `prod-eu`) where the names
 * match, otherwise every source target is a candidate and they must agree (the planner checks).
 */
export function resolveSources(
  config: GantryConfig,
  destination: Destination,
  from: string | undefined,
  app?: AppConfig,
): Sources {
  const { env } = destination;
  const locations = app ? appDestination(destination, app) : destination.locations;
  const groups = new Map<string, Location[][]>();
  const notes: string[] = [];
  if (from !== undefined) {
    const source = resolveDestination(config, from);
    const candidates = app ? appDestination(source, app) : source.locations;
    if (source.env !== env && !predecessors(config, env).includes(source.env)) {
      notes.push(
        predecessors(config, source.env).includes(env)
          ? `A backport: ${from} comes after ${env.name}.`
          : `${from} is not on the way to ${env.name}; promoted because it was asked for.`,
      );
    }
    for (const location of locations) {
      const others = candidates.filter((c) => !same(c, location));
      if (others.length === 0)
        throw new UsageError(`"${from}" is the destination itself; promote from another place`);
      groups.set(location.name, [twins(location, others)]);
    }
    return { locations, groups, rule: 'all', notes };
  }
  const after = afterOf(env);
  if (after.length === 0) {
    const next = environments(config)
      .filter((e) => afterOf(e).includes(env.name))
      .map((e) => e.name);
    throw new UsageError(
      `"${env.name}" is a first environment: versions reach it by release (a tag)${next.length ? `; promote into ${next.join(' or ')}, which comes after it` : ''}, or copy from another place with --from`,
    );
  }
  const sourceEnvs = after.map((name) => environments(config).find((e) => e.name === name)!);
  for (const location of locations) {
    if (location.from !== undefined) {
      groups.set(location.name, [explicit(config, location, app)]);
      continue;
    }
    const found = sourceEnvs
      .filter((e) => e !== undefined)
      .map((e) => twins(location, appLocationsOf(e, app)))
      .filter((g) => g.length > 0);
    groups.set(location.name, found);
  }
  return { locations, groups, rule: env.from ?? 'any', notes };
}

/** The locations a target's own `from` names: a target, or every target of an environment. */
function explicit(config: GantryConfig, location: Location, app: AppConfig | undefined): Location[] {
  const source = resolveDestination(config, location.from!);
  const found = app ? appDestination(source, app) : source.locations;
  return found.filter((l) => !same(l, location));
}

/** The candidate with the same region as `location`, when there is one; else all of them. */
function twins(location: Location, candidates: Location[]): Location[] {
  const region = regionOf(location);
  const twin = region === undefined ? undefined : candidates.find((c) => regionOf(c) === region);
  return twin ? [twin] : candidates;
}

/** `prod/eu-west` → `eu-west`, `prod-eu` → `eu`; a target named unlike its environment: after its `/`. */
export function regionOf(location: Location): string | undefined {
  for (const separator of ['/', '-']) {
    const prefix = `${location.environment}${separator}`;
    if (location.name.startsWith(prefix) && location.name.length > prefix.length)
      return location.name.slice(prefix.length);
  }
  const slash = location.name.indexOf('/');
  return slash > 0 ? location.name.slice(slash + 1) : undefined;
}

function same(a: Location, b: Location): boolean {
  return a.name === b.name && a.environment === b.environment && a.repo === b.repo;
}
