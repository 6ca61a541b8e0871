import { expandPath } from '../core/config/paths.ts';
import type { Artifact, GantryConfig } from '../core/config/schema.ts';
import { appLocationsOf, environments, predecessors } from '../core/promote/environments.ts';
import { fileKey } from '../core/promote/file-key.ts';
import { readArtifact } from '../core/promote/updaters/index.ts';
import type { VersionHistory } from '../core/promote/version-order.ts';
import type { FileRevision } from '../ports/forge.ts';
import { mapLimit } from './map-limit.ts';

/** Commits that changed a file (a `fileKey`), newest first, with its content at each (the Forge's fileHistory). */
export type ReadHistory = (path: string, limit: number) => Promise<FileRevision[]>;

/** How far back the history of each version file is read to order versions. */
export const HISTORY_DEPTH = 50;

export interface AppHistories {
  /** Per app: the tags every location held, in pipeline order (what the planner orders by). */
  history: Map<string, VersionHistory>;
  /** Per app and location: the newest commit that changed its version file (for lineage). */
  newest: Map<string, Map<string, FileRevision | undefined>>;
}

/**
 * The environments whose history can order a move into `destination`: the ones before it,
 * first environment first, and the destination itself (a version it ran before is older).
 */
export function historyEnvironments(config: GantryConfig, destination: string): string[] {
  const env = environments(config).find((e) => e.name === destination);
  if (!env) return [];
  return [...predecessors(config, env).reverse(), env].map((e) => e.name);
}

/**
 * Reads, for each app with a versioned artifact, the history of that artifact's file at every
 * location of `envs` (one fileHistory call each, four at a time). Apps of `file` artifacts
 * only have no versions to order and cost nothing.
 */
export async function readAppHistories(
  config: GantryConfig,
  apps: readonly string[],
  envs: readonly string[],
  read: ReadHistory,
): Promise<AppHistories> {
  const ordered = environments(config)
    .filter((e) => envs.includes(e.name))
    .sort((a, b) => envs.indexOf(a.name) - envs.indexOf(b.name));
  const jobs = apps.flatMap((app) => {
    const settings = config.apps?.[app];
    const artifact = settings?.artifacts.find((a) => a.kind !== 'file');
    if (!artifact) return [];
    // Only where the app lives (`apps.<app>.environments` / `targets`), in its location's repository.
    return ordered
      .flatMap((env) => appLocationsOf(env, settings))
      .map((location) => ({ app, artifact, location: location.name, repo: location.repo }));
  });
  const results = await mapLimit(jobs, 4, async (job) => {
    const path = expandPath(job.artifact.path, { env: job.location, app: job.app });
    return read(fileKey(job.repo, path), HISTORY_DEPTH).then((commits) => ({ job, path, commits }));
  });
  const history = new Map<string, VersionHistory>();
  const newest = new Map<string, Map<string, FileRevision | undefined>>();
  for (const { job, path, commits } of results) {
    const tags: string[] = [];
    for (const commit of [...commits].reverse()) {
      const tag = tagAt(job.artifact, path, commit.content);
      if (tag !== undefined && tags[tags.length - 1] !== tag) tags.push(tag);
    }
    const entry = history.get(job.app) ?? { locations: [] };
    history.set(job.app, { locations: [...entry.locations, { name: job.location, tags }] });
    const byLocation = newest.get(job.app) ?? new Map();
    byLocation.set(job.location, commits[0]);
    newest.set(job.app, byLocation);
  }
  return { history, newest };
}

function tagAt(artifact: Artifact, path: string, content: string | null): string | undefined {
  if (content === null) return undefined;
  try {
    const state = readArtifact(artifact, path, content);
    return state.kind === 'version' ? (state.version.tag ?? state.version.digest) : undefined;
  } catch {
    return undefined; // an old revision of the file may predate the current layout
  }
}
