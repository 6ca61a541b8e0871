import { expandPath } from '../core/config/paths.ts';
import type { GantryConfig } from '../core/config/schema.ts';
import { resolveDestination, resolveSources } from '../core/promote/environments.ts';
import {
  type PlanInputs,
  type PromotionPlan,
  type PromotionRequest,
  planPromotion,
  promotionFiles,
} from '../core/promote/plan.ts';
import { readArtifact } from '../core/promote/updaters/index.ts';
import type { FileSnapshot } from '../ports/forge.ts';

/** Where a promotion reads its files, and optionally their history. */
export interface PromotionSource {
  read(paths: readonly string[]): Promise<FileSnapshot>;
  /** Commits that changed a file, newest first, with its content at each. */
  history?(
    path: string,
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
  const { sources } = resolveSources(config, destination, request.from);
  const location = sources.get(destination.locations[0]!.name)![0]!;
  const tags = new Map<string, string[]>();
  const lineage = new Map<string, { number: number }>();
  for (const [name, app] of Object.entries(config.apps ?? {})) {
    if (request.apps?.length && !request.apps.includes(name)) continue;
    const artifact = app.artifacts.find((a) => a.kind !== 'file');
    if (!artifact) continue;
    const path = expandPath(artifact.path, { env: location.name, app: name });
    const commits = await history(path, HISTORY_DEPTH);
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
