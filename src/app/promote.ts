import type { GantryConfig } from '../core/config/schema.ts';
import { resolveDestination } from '../core/promote/environments.ts';
import {
  type PlanInputs,
  type PromotionPlan,
  type PromotionRequest,
  planPromotion,
  promotionFiles,
  selectApps,
} from '../core/promote/plan.ts';
import { resolveSources } from '../core/promote/sources.ts';
import type { FileSnapshot } from '../ports/forge.ts';
import { historyEnvironments, type ReadHistory, readAppHistories } from './version-history.ts';

/** Where a promotion reads its files, and optionally their history. */
export interface PromotionSource {
  read(paths: readonly string[]): Promise<FileSnapshot>;
  /** Commits that changed a file (a `fileKey`), newest first, with its content at each. */
  history?(
    key: string,
    limit: number,
  ): Promise<Array<{ sha: string; subject: string; content: string | null }>>;
}

/**
 * Reads everything a promotion needs in one batch and plans it. Shared by the CLI (working
 * tree or a local commit) and the bot (a forge snapshot). With history, versions are ordered
 * by it and the PR that brought the source's version is named (lineage).
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
    Object.assign(inputs, await promotionHistory(config, request, source.history.bind(source)));
  return { plan: planPromotion(config, request, inputs), snapshot };
}

/** The version history of every app the request moves, and the PR that brought each source version. */
export async function promotionHistory(
  config: GantryConfig,
  request: PromotionRequest,
  read: ReadHistory,
): Promise<Pick<PlanInputs, 'history' | 'lineage'>> {
  const destination = resolveDestination(config, request.to);
  const apps = selectApps(config.apps ?? {}, request.apps);
  const { history, newest } = await readAppHistories(
    config,
    apps,
    historyEnvironments(config, destination.env.name),
    read,
  );
  const lineage = new Map<string, { number: number }>();
  for (const [app, byLocation] of newest) {
    const source = firstSource(config, destination, request.from, config.apps![app]!);
    const subject = source ? byLocation.get(source.name)?.subject : undefined;
    const pr = subject === undefined ? undefined : pullRequestOf(subject);
    if (pr !== undefined) lineage.set(app, { number: pr });
  }
  return { history, lineage };
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

/** `Merge pull request #12 from …`, `Promote web (#12)`, GitLab `See merge request group/repo!12`. */
export function pullRequestOf(subject: string): number | undefined {
  const match = /Merge pull request #(\d+)|\(#(\d+)\)\s*$|!(\d+)\s*$/.exec(subject);
  const number = match?.[1] ?? match?.[2] ?? match?.[3];
  return number === undefined ? undefined : Number(number);
}
