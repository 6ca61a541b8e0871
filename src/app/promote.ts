import { expandPath } from '../core/config/paths.ts';
import type { GantryConfig } from '../core/config/schema.ts';
import { resolveDestination } from '../core/promote/environments.ts';
import { fileKey } from '../core/promote/file-key.ts';
import {
  type PlanInputs,
  type PromotionPlan,
  type PromotionRequest,
  planPromotion,
  promotionFiles,
} from '../core/promote/plan.ts';
import { resolveSources } from '../core/promote/sources.ts';
import { readArtifact } from '../core/promote/updaters/index.ts';
import type { FileSnapshot } from '../ports/forge.ts';

/** Where a promotion reads its files, and optionally their history. */
export interface PromotionSource {
  read(paths: readonly string[]): Promise<FileSnapshot>;
  /** Commits that changed a file (a `fileKey`), newest first, with its content at each. */
  history?(
    key: string,
    limit: number,
  ): Promise<Array<{ sha: string; subject: string; content: string | null }>>;
}

/** How far back the history of a source file is read to order non-semver versions. */
export const HISTORY_DEPTH = 50;

/**
 * Reads everything a promotion needs in one batch and plans it. Shared by the CLI (working
 * tree or a local commit) and the bot (a forge snapshot).
 */
export async function planFromSource(
  config: GantryConfig,
  request: PromotionRequest,
  source: PromotionSource,
  compareUrl?: PlanInputs['compareUrl'],
): Promise<{ plan: PromotionPlan; snapshot: FileSnapshot }> {
  const snapshot = await source.read(promotionFiles(config, request));
  const inputs: PlanInputs = { files: snapshot.files, ...(compareUrl ? { compareUrl } : {}) };
  if (source.history)
    Object.assign(inputs, await sourceHistory(config, request, source.history.bind(source)));
  return { plan: planPromotion(config, request, inputs), snapshot };
}

/**
 * For each app, the tags its source file held over time (oldest first) and the PR that
 * brought the current one, read from the history of the app's first versioned artifact.
 */
async function sourceHistory(
  config: GantryConfig,
  request: PromotionRequest,
  history: NonNullable<PromotionSource['history']>,
): Promise<Pick<PlanInputs, 'history' | 'lineage'>> {
  const destination = resolveDestination(config, request.to);
  const tags = new Map<string, string[]>();
  const lineage = new Map<string, { number: number }>();
  for (const [name, app] of Object.entries(config.apps ?? {})) {
    if (request.apps?.length && !request.apps.includes(name)) continue;
    const artifact = app.artifacts.find((a) => a.kind !== 'file');
    if (!artifact) continue;
    const location = firstSource(config, destination, request.from, app);
    if (!location) continue;
    const path = expandPath(artifact.path, { env: location.name, app: name });
    const commits = await history(fileKey(location.repo, path), HISTORY_DEPTH);
    const seen: string[] = [];
    for (const commit of [...commits].reverse()) {
      const tag = tagAt(artifact, path, commit.content);
      if (tag !== undefined && seen[seen.length - 1] !== tag) seen.push(tag);
    }
    tags.set(name, seen);
    const pr = commits[0] ? pullRequestOf(commits[0].subject) : undefined;
    if (pr !== undefined) lineage.set(name, { number: pr });
  }
  return { history: tags, lineage };
}

/** The source of the app's first destination location (the planner reports what is wrong). */
function firstSource(
  config: GantryConfig,
  destination: ReturnType<typeof resolveDestination>,
  from: string | undefined,
  app: NonNullable<GantryConfig['apps']>[string],
) {
  try {
    const { locations, groups } = resolveSources(config, destination, from, app);
    return locations[0] ? groups.get(locations[0].name)?.[0]?.[0] : undefined;
  } catch {
    return undefined;
  }
}

function tagAt(
  artifact: Parameters<typeof readArtifact>[0],
  path: string,
  content: string | null,
): string | undefined {
  if (content === null) return undefined;
  try {
    const state = readArtifact(artifact, path, content);
    return state.kind === 'version' ? state.version.tag : undefined;
  } catch {
    return undefined; // an old revision of the file may predate the current layout
  }
}

/** `Merge pull request #12 from …`, `Promote web (#12)`, GitLab `See merge request group/repo!12`. */
export function pullRequestOf(subject: string): number | undefined {
  const match = /Merge pull request #(\d+)|\(#(\d+)\)\s*$|!(\d+)\s*$/.exec(subject);
  const number = match?.[1] ?? match?.[2] ?? match?.[3];
  return number === undefined ? undefined : Number(number);
}
