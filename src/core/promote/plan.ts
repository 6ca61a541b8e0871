import { expandPath } from '../config/paths.ts';
import type { AppConfig, GantryConfig } from '../config/schema.ts';
import { UsageError, ValidationError } from '../errors.ts';
import { dependencyOrder } from '../graph.ts';
import { didYouMean } from '../text/did-you-mean.ts';
import { isFileOnly, planAppChange } from './app-plan.ts';
import { type Destination, type Location, resolveDestination } from './environments.ts';
import { fileKey } from './file-key.ts';
import type { PromotionMetadata } from './pr-body.ts';
import { chooseSource, memoStates } from './source-states.ts';
import { resolveSources, type Sources } from './sources.ts';
import { basePaths } from './updaters/index.ts';
import type { HistoryInput } from './version-order.ts';

export { isFileOnly };

export interface PromotionRequest {
  /** Environment (`prod`: all its targets) or one target (`prod/eu-west`). */
  to: string;
  /** Source environment or target; defaults to the destination's `after`. */
  from?: string;
  /** Only these apps; default all. */
  apps?: readonly string[];
  /** Allow moving an environment to an older version (rollbacks). */
  allowDowngrade?: boolean;
  /** The repository holding .gantry.yml: recorded in PRs opened in another one. */
  home?: string;
  /** Allow a move whose version order cannot be known (it gets a note instead). */
  allowUnordered?: boolean;
}

export interface PlanInputs {
  /** Content of every file `promotionFiles` lists, by `fileKey` (null: the file does not exist). */
  files: ReadonlyMap<string, string | null>;
  /** Per app: the tags each location held over time (`VersionHistory`), to order versions. */
  history?: ReadonlyMap<string, HistoryInput>;
  /** Per app: the PR that brought the source's version into the source environment. */
  lineage?: ReadonlyMap<string, { number: number; url?: string }>;
  /** Link to compare two tags of an app repository (the forge knows how). */
  compareUrl?: (repo: string, from: string, to: string) => string;
}

export interface FileUpdate {
  path: string;
  /** The repository of the file; undefined: the one holding .gantry.yml. */
  repo?: string;
  before: string | null;
  after: string;
}

export interface AppPromotion {
  app: string;
  /** The repository the PR (or commit) goes to; undefined: the one holding .gantry.yml. */
  repo?: string;
  branch: string;
  title: string;
  body: string;
  metadata: PromotionMetadata;
  updates: FileUpdate[];
  /** Things a reviewer should know (unknown version order, dependencies behind). */
  notes: string[];
}

export interface PromotionPlan {
  environment: string;
  source: string;
  apps: AppPromotion[];
  /** Apps whose destination already matches the source. */
  unchanged: string[];
  /** Apps that do not live in the destination (`apps.<app>.environments` / `targets`). */
  absent?: string[];
  /** Apps that cannot be planned (a missing or broken file): the others go ahead. */
  blocked?: Array<{ app: string; reason: string }>;
  empty: boolean;
  summary: string;
}

/** Every file a plan reads (as `fileKey`s), so a caller can fetch them in one batch per repository. */
export function promotionFiles(config: GantryConfig, request: PromotionRequest): string[] {
  const { apps, destination } = resolveRequest(config, request);
  const paths = new Set<string>();
  for (const [name, app] of apps) {
    let sources: Sources;
    try {
      sources = resolveSources(config, destination, request.from, app);
    } catch {
      continue; // planPromotion says what is wrong
    }
    const add = (location: Location) => {
      for (const artifact of app.artifacts) {
        const values = { env: location.name, app: name };
        paths.add(fileKey(location.repo, expandPath(artifact.path, values)));
        for (const base of basePaths(artifact, values)) paths.add(fileKey(location.repo, base));
      }
    };
    for (const location of sources.locations) {
      add(location);
      for (const group of sources.groups.get(location.name) ?? []) group.forEach(add);
    }
  }
  return [...paths];
}

/**
 * Plans a promotion: per app, what each destination target moves from and to, and the exact
 * new content of every file. Pure: the caller reads the files (`promotionFiles`) and decides
 * what to do with the plan (print it, write it, commit it, open a PR). An app that does not
 * live in the destination is absent; one whose files are missing or broken is blocked, and
 * the others go ahead (when every app asked for is blocked, the first reason is thrown).
 */
export function planPromotion(
  config: GantryConfig,
  request: PromotionRequest,
  inputs: PlanInputs,
): PromotionPlan {
  const { apps, destination } = resolveRequest(config, request);
  const promotions: AppPromotion[] = [];
  const unchanged: string[] = [];
  const absent: string[] = [];
  const blocked: Array<{ app: string; reason: string; error: ValidationError }> = [];
  for (const [name, app] of apps) {
    const sources = resolveSources(config, destination, request.from, app);
    if (sources.locations.length === 0) {
      if (request.apps?.includes(name))
        throw new UsageError(`${name} does not live in ${request.to} (apps.${name}.environments / targets)`);
      absent.push(name);
      continue;
    }
    try {
      const planned = planApp(config, name, app, request, inputs, destination, sources);
      if (planned.length) promotions.push(...planned);
      else unchanged.push(name);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      blocked.push({ app: name, reason: error.message, error });
    }
  }
  if (blocked.length && promotions.length === 0 && unchanged.length === 0) throw blocked[0]!.error;
  const sourceName = request.from ?? afterText(destination);
  const target = request.to;
  const leftOut = Object.keys(config.apps ?? {}).filter((n) => !apps.some(([a]) => a === n));
  const fileOnly = leftOut.filter((n) => isFileOnly(config.apps![n]!) && !request.apps?.length);
  const aside = fileOnly.length
    ? `; not included (files only, promoted only when named with --app or listed in another app's with:): ${fileOnly.join(', ')}`
    : '';
  const summary = promotions.length
    ? `${promotions.length} promotion(s) from ${sourceName} to ${target}: ${promotions.map((p) => p.app).join(', ')}`
    : `nothing to promote: ${target} already matches ${sourceName} for ${unchanged.join(', ') || 'every app'}`;
  const blockedText = blocked.length
    ? `; blocked: ${blocked.map((b) => `${b.app} (${b.reason})`).join(', ')}`
    : '';
  return {
    environment: destination.env.name,
    source: sourceName,
    apps: promotions,
    unchanged,
    ...(absent.length ? { absent } : {}),
    ...(blocked.length ? { blocked: blocked.map(({ app, reason }) => ({ app, reason })) } : {}),
    empty: promotions.length === 0,
    summary: summary + aside + blockedText,
  };
}

function afterText(destination: Destination): string {
  const after = destination.env.after;
  return typeof after === 'string' ? after : (after ?? []).join(' | ');
}

function resolveRequest(config: GantryConfig, request: PromotionRequest) {
  const all = config.apps ?? {};
  const names = Object.keys(all);
  for (const app of request.apps ?? []) {
    if (!all[app])
      throw new UsageError(
        `unknown app "${app}"${didYouMean(app, names)}; expected one of: ${names.join(', ')}`,
      );
  }
  const destination = resolveDestination(config, request.to);
  const selected = selectApps(all, request.apps);
  const ordered = dependencyOrder(selected, (n) => all[n]?.dependsOn ?? []);
  return { apps: ordered.map((n) => [n, all[n]!] as const), destination };
}

/**
 * The apps a request moves: the named ones, else every app with a version (file-only apps
 * never move by default: their files are often per-environment), plus, transitively, the apps
 * each of those lists in `with:`.
 */
export function selectApps(all: Record<string, AppConfig>, named: readonly string[] | undefined): string[] {
  const names = Object.keys(all);
  const chosen = new Set(named?.length ? named : names.filter((n) => !isFileOnly(all[n]!)));
  const queue = [...chosen];
  while (queue.length) {
    for (const other of all[queue.pop()!]?.with ?? []) {
      if (!all[other] || chosen.has(other)) continue;
      chosen.add(other);
      queue.push(other);
    }
  }
  return names.filter((n) => chosen.has(n));
}

/** One PR per destination repository (an environment's targets may live in several). */
function planApp(
  config: GantryConfig,
  name: string,
  app: AppConfig,
  request: PromotionRequest,
  inputs: PlanInputs,
  destination: Destination,
  sources: Sources,
): AppPromotion[] {
  // Source states are read once per source location, however many targets copy from it.
  const read = memoStates(name, app, inputs.files);
  const history = inputs.history?.get(name);
  const chosen = new Map(
    sources.locations.map((l) => [
      l.name,
      chooseSource(name, app, sources.groups.get(l.name) ?? [], read, sources.rule, history),
    ]),
  );
  const from = request.from ?? [...new Set([...chosen.values()].map((c) => c.environment))].join(', ');
  const repos = [...new Set(sources.locations.map((l) => l.repo))];
  const out: AppPromotion[] = [];
  for (const repo of repos) {
    const promotion = planAppChange({
      verb: 'Promote',
      name,
      app,
      environment: destination.env.name,
      destination: request.to,
      source: from,
      locations: sources.locations.filter((l) => l.repo === repo),
      sourceFor: (location) => chosen.get(location.name)!,
      inputs,
      allowDowngrade: request.allowDowngrade === true,
      allowUnordered: request.allowUnordered === true,
      notes: [...sources.notes, ...dependencyNotes(config, name, app, request)],
      ...(repo && request.home && repo !== request.home ? { home: request.home } : {}),
    });
    if (promotion) out.push(repo ? { ...promotion, repo } : promotion);
  }
  return out;
}

function dependencyNotes(
  config: GantryConfig,
  name: string,
  app: AppConfig,
  request: PromotionRequest,
): string[] {
  const selected = selectApps(config.apps ?? {}, request.apps);
  return (app.dependsOn ?? [])
    .filter((dep) => !selected.includes(dep))
    .map(
      (dep) =>
        `${name} depends on ${dep}, which this promotion does not include; promote ${dep} first if it is behind.`,
    );
}
