import { expandPath } from '../config/paths.ts';
import type { AppConfig, Artifact, GantryConfig } from '../config/schema.ts';
import { RefusedError, UsageError, ValidationError } from '../errors.ts';
import { dependencyOrder } from '../graph.ts';
import { didYouMean } from '../text/did-you-mean.ts';
import { inEntry, isFileOnly, planAppChange } from './app-plan.ts';

export { isFileOnly };

import { type ArtifactState, describeState, sameState } from './artifact-state.ts';
import { type Location, resolveDestination, resolveSources } from './environments.ts';
import type { PromotionMetadata } from './pr-body.ts';
import { readArtifact } from './updaters/index.ts';
import type { HistoryInput } from './version-order.ts';

export interface PromotionRequest {
  /** Environment (`prod`: all its targets) or one target (`prod/eu-west`). */
  to: string;
  /** Source environment or target; defaults to the destination's `after`. */
  from?: string;
  /** Only these apps; default all. */
  apps?: readonly string[];
  /** Allow moving an environment to an older version (rollbacks). */
  allowDowngrade?: boolean;
  /** Allow a move whose version order cannot be known (it gets a note instead). */
  allowUnordered?: boolean;
}

export interface PlanInputs {
  /** Content of every path `promotionFiles` lists (null: the file does not exist). */
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
  before: string | null;
  after: string;
}

export interface AppPromotion {
  app: string;
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
  empty: boolean;
  summary: string;
}

/** Every file a plan reads, so a caller can fetch them in one batch. */
export function promotionFiles(config: GantryConfig, request: PromotionRequest): string[] {
  const { apps, destination, sources } = resolveRequest(config, request);
  const paths = new Set<string>();
  for (const [name, app] of apps) {
    for (const artifact of app.artifacts) {
      for (const location of destination.locations) {
        paths.add(expandPath(artifact.path, { env: location.name, app: name }));
        for (const source of sources.get(location.name)!)
          paths.add(expandPath(artifact.path, { env: source.name, app: name }));
      }
    }
  }
  return [...paths];
}

/**
 * Plans a promotion: per app, what each destination target moves from and to, and the exact
 * new content of every file. Pure: the caller reads the files (`promotionFiles`) and decides
 * what to do with the plan (print it, write it, commit it, open a PR).
 */
export function planPromotion(
  config: GantryConfig,
  request: PromotionRequest,
  inputs: PlanInputs,
): PromotionPlan {
  const { apps, destination, sourceEnv, sources } = resolveRequest(config, request);
  const promotions: AppPromotion[] = [];
  const unchanged: string[] = [];
  for (const [name, app] of apps) {
    const promotion = planApp(config, name, app, request, inputs, destination.locations, sources);
    if (promotion) promotions.push(promotion);
    else unchanged.push(name);
  }
  const target = request.to;
  const leftOut = Object.keys(config.apps ?? {}).filter((n) => !apps.some(([a]) => a === n));
  const fileOnly = leftOut.filter((n) => isFileOnly(config.apps![n]!) && !request.apps?.length);
  const aside = fileOnly.length
    ? `; not included (files only, promoted only when named with --app or listed in another app's with:): ${fileOnly.join(', ')}`
    : '';
  const summary = promotions.length
    ? `${promotions.length} promotion(s) from ${sourceEnv} to ${target}: ${promotions.map((p) => p.app).join(', ')}`
    : `nothing to promote: ${target} already matches ${request.from ?? sourceEnv} for ${unchanged.join(', ') || 'every app'}`;
  const summaryText = `${summary}${aside}`;
  return {
    environment: destination.env.name,
    source: request.from ?? sourceEnv,
    apps: promotions,
    unchanged,
    empty: promotions.length === 0,
    summary: summaryText,
  };
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
  const { env: sourceEnv, sources } = resolveSources(config, destination, request.from);
  const selected = selectApps(all, request.apps);
  const ordered = dependencyOrder(selected, (n) => all[n]?.dependsOn ?? []);
  return { apps: ordered.map((n) => [n, all[n]!] as const), destination, sourceEnv: sourceEnv.name, sources };
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

function planApp(
  config: GantryConfig,
  name: string,
  app: AppConfig,
  request: PromotionRequest,
  inputs: PlanInputs,
  locations: Location[],
  sources: Map<string, Location[]>,
): AppPromotion | undefined {
  // Source states are read once per source location, however many targets copy from it.
  const read = memoStates(name, app, inputs.files);
  const destination = resolveDestination(config, request.to).env;
  return planAppChange({
    verb: 'Promote',
    name,
    app,
    environment: destination.name,
    destination: request.to,
    source: request.from ?? (destination.after as string),
    locations,
    sourceFor: (location) => agreeingSource(name, app, sources.get(location.name)!, read),
    inputs,
    allowDowngrade: request.allowDowngrade === true,
    allowUnordered: request.allowUnordered === true,
    notes: dependencyNotes(config, name, app, request),
  });
}

/** The states of every artifact of an app at a location, each location read once. */
function memoStates(name: string, app: AppConfig, files: ReadonlyMap<string, string | null>) {
  const cache = new Map<string, ArtifactState[]>();
  return (location: Location): ArtifactState[] => {
    let states = cache.get(location.name);
    if (!states) {
      states = app.artifacts.map((a, i) => readState(name, i, a, location, files));
      cache.set(location.name, states);
    }
    return states;
  };
}

/** The source location to copy from; several candidates must hold the same states. */
function agreeingSource(
  name: string,
  app: AppConfig,
  candidates: Location[],
  read: (location: Location) => ArtifactState[],
) {
  const states = candidates.map(read);
  const differs = states.findIndex((s) => s.some((state, i) => !sameState(state, states[0]![i]!)));
  if (differs > 0) {
    const artifact = states[differs]!.findIndex((state, i) => !sameState(state, states[0]![i]!));
    const show = (i: number) =>
      `${expandPath(app.artifacts[artifact]!.path, { env: candidates[i]!.name, app: name })} has ${describeState(states[i]![artifact]!)}`;
    throw new RefusedError(
      `${name}: the source targets disagree on apps.${name}.artifacts[${artifact}]: ${show(0)}, ${show(differs)}; promote from one of them with --from ${candidates[0]!.name}`,
    );
  }
  return { name: candidates[0]!.name, states: states[0]! as (ArtifactState | undefined)[] };
}

function readState(
  name: string,
  index: number,
  artifact: Artifact,
  location: Location,
  files: ReadonlyMap<string, string | null>,
): ArtifactState {
  const path = expandPath(artifact.path, { env: location.name, app: name });
  const content = files.get(path);
  if (content === undefined || content === null)
    throw new ValidationError(
      `${path}: file not found (apps.${name}.artifacts[${index}] in ${location.name}, the source)`,
    );
  return inEntry(`apps.${name}.artifacts[${index}] in ${location.name}, the source`, () =>
    readArtifact(artifact, path, content),
  );
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
