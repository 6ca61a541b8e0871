import { expandPath } from '../config/paths.ts';
import type { AppConfig, Artifact, GantryConfig } from '../config/schema.ts';
import { UsageError } from '../errors.ts';
import { didYouMean } from '../text/did-you-mean.ts';
import { planAppChange } from './app-plan.ts';
import { type ArtifactState, formatVersion, sameState, type Version } from './artifact-state.ts';
import { promotionBranch } from './branch-name.ts';
import { type Location, resolveDestination } from './environments.ts';
import { fileKey } from './file-key.ts';
import type { AppPromotion } from './plan.ts';
import { basePaths, readArtifact } from './updaters/index.ts';
import { compareVersions } from './version-order.ts';

/**
 * Rollbacks: set an environment back to the version it ran before, found in the git history
 * of its own files, or to a version asked for. Pure: the caller reads the history and the
 * files; this decides which revision to go back to and plans the PR (one per app, like a
 * promotion, downgrades allowed).
 */

/** How many changes of an environment's version file are searched for the previous version. */
export const ROLLBACK_DEPTH = 30;

/** Rollback PRs live beside promotion PRs, not on them: an open promotion into the same environment is left alone. */
export const ROLLBACK_PREFIX = 'gantry-rollback/';

export function rollbackBranch(destination: string, app: string): string {
  return `${ROLLBACK_PREFIX}${promotionBranch(destination, app).slice('gantry/'.length)}`;
}

export interface Revision {
  sha: string;
  subject: string;
  content: string | null;
}

/** Where one location goes back to: a commit (every artifact as it was there), or only a version. */
export type RollbackPoint =
  | { kind: 'commit'; sha: string; subject: string; version: Version }
  | { kind: 'version'; version: Version };

/** The artifact whose value names an app's version (as `gantry status` shows it). */
export function versionArtifact(app: AppConfig): Artifact | undefined {
  return app.artifacts.find((a) => a.kind !== 'file');
}

/** The app, its versioned artifact and the destination; UsageError with did-you-mean otherwise. */
export function resolveRollback(config: GantryConfig, env: string, appName: string) {
  const apps = config.apps ?? {};
  const app = apps[appName];
  if (!app) {
    const names = Object.keys(apps);
    throw new UsageError(
      `unknown app "${appName}"${didYouMean(appName, names)}; expected one of: ${names.join(', ')}`,
    );
  }
  const artifact = versionArtifact(app);
  if (!artifact)
    throw new UsageError(`${appName} has no versioned artifact (only files): nothing to roll back`);
  const destination = resolveDestination(config, env);
  const pathAt = (location: Location, a: Artifact = artifact) =>
    expandPath(a.path, { env: location.name, app: appName });
  return { app, artifact, destination, pathAt };
}

/**
 * The revision to go back to, from the history of a location's version file (newest first).
 * Without `to`: the newest earlier version that is older than the current one (semver, else
 * the order versions first arrived in), so a second rollback goes further back instead of
 * returning to the version just rolled back. With `to`: the newest commit that had it, or the
 * bare version when the history does not have it.
 */
export function chooseRollback(
  artifact: Artifact,
  path: string,
  history: readonly Revision[],
  to?: string,
): RollbackPoint {
  const versions = history.map((r) => ({ ...r, version: versionIn(artifact, path, r.content) }));
  const current = versions[0]?.version;
  if (to !== undefined) {
    if (current?.tag === to) throw new UsageError(`${path} already holds ${to}`);
    const found = versions.find((v) => v.version?.tag === to);
    return found
      ? { kind: 'commit', sha: found.sha, subject: found.subject, version: found.version! }
      : { kind: 'version', version: { tag: to } };
  }
  if (!current)
    throw new UsageError(`${path}: no version found in its latest revision; roll back with --to VERSION`);
  const arrival = arrivalOrder(artifact, path, history);
  for (const v of versions.slice(1)) {
    if (!v.version || sameState(state(v.version), state(current))) continue;
    const order = compareVersions(v.version, current, arrival);
    if (order === undefined || order < 0)
      return { kind: 'commit', sha: v.sha, subject: v.subject, version: v.version };
  }
  throw new UsageError(
    `${path}: no version older than ${formatVersion(current)} in its last ${history.length} change(s); roll back with --to VERSION`,
  );
}

/** Tags in the order they first arrived in a file (oldest first), from its history (newest first). */
export function arrivalOrder(artifact: Artifact, path: string, history: readonly Revision[]): string[] {
  const arrival: string[] = [];
  for (const revision of [...history].reverse()) {
    const tag = versionIn(artifact, path, revision.content)?.tag;
    if (tag !== undefined && !arrival.includes(tag)) arrival.push(tag);
  }
  return arrival;
}

const state = (version: Version): ArtifactState => ({ kind: 'version', version });

function versionIn(artifact: Artifact, path: string, content: string | null): Version | undefined {
  if (content === null) return undefined;
  try {
    const read = readArtifact(artifact, path, content);
    return read.kind === 'version' ? read.version : undefined;
  } catch {
    return undefined; // an old revision may predate the current layout
  }
}

/**
 * The state every artifact of the app should get at a location: as it was at the chosen
 * commit (`old`: path → content there), or, for a bare version, the version on every
 * versioned artifact and files left as they are. An artifact unreadable at the old commit is
 * left alone, with a note.
 */
export function rollbackStates(
  app: AppConfig,
  pathOf: (artifact: Artifact) => string,
  point: RollbackPoint,
  old: ReadonlyMap<string, string | null>,
  notes: string[],
): (ArtifactState | undefined)[] {
  return app.artifacts.map((artifact) => {
    if (point.kind === 'version') {
      if (artifact.kind === 'file') return undefined;
      return artifact.kind === 'helm-value'
        ? state({ tag: point.version.tag ?? point.version.digest! })
        : state(point.version);
    }
    const path = pathOf(artifact);
    const content = old.get(path);
    if (content === undefined || content === null) {
      notes.push(`${path} did not exist at ${point.sha.slice(0, 12)}; left as it is.`);
      return undefined;
    }
    try {
      return readArtifact(artifact, path, content);
    } catch (error) {
      notes.push(
        `${path} at ${point.sha.slice(0, 12)} could not be read (${(error as Error).message}); left as it is.`,
      );
      return undefined;
    }
  });
}

export interface RollbackPlanInput {
  app: string;
  /** `prod` or `prod/eu-west`, as asked. */
  destination: string;
  /** Current content of every destination file. */
  files: ReadonlyMap<string, string | null>;
  /** Per location name: where it goes back to and the states that means. */
  points: ReadonlyMap<string, { point: RollbackPoint; states: (ArtifactState | undefined)[] }>;
  /** Tags in the order they arrived (`arrivalOrder`), to order non-semver versions. */
  arrival: readonly string[];
  notes: string[];
  /** The PR whose merge this undoes, when there is one. */
  of?: { number: number; url?: string };
  /** Where the versions come from, for the PR text; default: the destination's history. */
  source?: string;
}

/** One PR for one app, on `gantry-rollback/<env>/<app>`; undefined when nothing would change. */
export function planRollback(config: GantryConfig, input: RollbackPlanInput): AppPromotion | undefined {
  const { app, destination } = resolveRollback(config, input.destination, input.app);
  const sources = [...input.points.values()].map(({ point }) =>
    point.kind === 'commit' ? point.sha.slice(0, 12) : formatVersion(point.version),
  );
  const planned = planAppChange({
    verb: 'Rollback',
    name: input.app,
    app,
    environment: destination.env.name,
    destination: input.destination,
    source: input.source ?? `${input.destination} history (${[...new Set(sources)].join(', ')})`,
    locations: destination.locations.filter((l) => input.points.has(l.name)),
    sourceFor: (location) => {
      const found = input.points.get(location.name)!;
      return { name: location.name, states: found.states };
    },
    inputs: { files: input.files, history: new Map([[input.app, input.arrival]]) },
    allowDowngrade: true,
    notes: input.notes,
    ...(input.of ? { rollbackOf: input.of } : {}),
  });
  return planned && { ...planned, branch: rollbackBranch(input.destination, input.app) };
}

/** A rollback to known versions (the canary watch undoing a merge it watched). */
export interface RollbackToRequest {
  app: string;
  /** The environment, or the one target, the undone PR went into. */
  destination: string;
  /** Per target: the version it goes back to (the `from` of the undone PR's metadata). */
  targets: ReadonlyArray<{ target: string; version: Version }>;
  /** The PR whose merge this undoes; recorded in the metadata, so a rollback is never rolled back. */
  of: { number: number; url?: string };
  /** Why, in one line, for the PR text. */
  reason: string;
}

/** Files `planRollbackTo` reads: the destination files of the app's versioned artifacts. */
export function rollbackToFiles(config: GantryConfig, request: RollbackToRequest): string[] {
  const { app, pathAt, locations } = resolveRollbackTo(config, request);
  return locations.flatMap((l) =>
    app.artifacts
      .filter((a) => a.kind !== 'file')
      .flatMap((a) =>
        [pathAt(l, a), ...basePaths(a, { env: l.name, app: request.app })].map((p) => fileKey(l.repo, p)),
      ),
  );
}

/**
 * Puts each target back on a known version, on the same rollback branch and with the same PR
 * text as `/gantry rollback`. `file` artifacts stay as they are — their earlier content is not
 * in the metadata — and the PR says to revert them by hand if needed. Empty when the targets
 * already run those versions (the rollback was merged, or someone was faster).
 */
export function planRollbackTo(
  config: GantryConfig,
  request: RollbackToRequest,
  inputs: { files: ReadonlyMap<string, string | null> },
): { apps: AppPromotion[]; empty: boolean; summary: string } {
  const { app, locations } = resolveRollbackTo(config, request);
  const fileArtifacts = app.artifacts.filter((a) => a.kind === 'file').map((a) => a.path);
  const notes = [
    request.reason,
    ...(fileArtifacts.length
      ? [
          `Files promoted verbatim (${fileArtifacts.join(', ')}) are not rolled back; revert #${request.of.number} for those if needed.`,
        ]
      : []),
  ];
  const points = new Map<string, { point: RollbackPoint; states: (ArtifactState | undefined)[] }>();
  for (const location of locations) {
    const version = request.targets.find((t) => t.target === location.name)!.version;
    const point: RollbackPoint = { kind: 'version', version };
    points.set(location.name, { point, states: rollbackStates(app, () => '', point, new Map(), notes) });
  }
  const promotion = planRollback(config, {
    app: request.app,
    destination: request.destination,
    files: inputs.files,
    points,
    arrival: [],
    notes,
    of: request.of,
    source: `before #${request.of.number}`,
  });
  return {
    apps: promotion ? [promotion] : [],
    empty: !promotion,
    summary: promotion
      ? `roll back ${request.app} in ${request.destination} to ${request.targets.map((t) => `${t.target} ${formatVersion(t.version)}`).join(', ')}`
      : `nothing to roll back: ${request.destination} already runs the earlier versions`,
  };
}

function resolveRollbackTo(config: GantryConfig, request: RollbackToRequest) {
  const { app, pathAt, destination } = resolveRollback(config, request.destination, request.app);
  const wanted = new Set(
    request.targets.filter((t) => t.version.tag || t.version.digest).map((t) => t.target),
  );
  const locations = destination.locations.filter((l) => wanted.has(l.name));
  if (locations.length === 0) {
    throw new UsageError(
      `nothing to roll back to in ${request.destination}: the PR does not say which version its targets had before`,
    );
  }
  return { app, pathAt, locations };
}
