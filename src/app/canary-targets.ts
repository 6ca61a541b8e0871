import { durationSeconds } from '../core/canary/promql.ts';
import type { AnalysisResult } from '../core/canary/types.ts';
import type { WatchState } from '../core/canary/watch.ts';
import {
  CANARY_MARKER,
  type CanaryComment,
  readCanaryComment,
  renderCanaryComment,
} from '../core/canary/watch-report.ts';
import type { GantryConfig } from '../core/config/schema.ts';
import { ValidationError } from '../core/errors.ts';
import { promotionBranch } from '../core/promote/branch-name.ts';
import { afterOf, environments, targetNames } from '../core/promote/environments.ts';
import type { Forge, RepoPath } from '../ports/forge.ts';
import { analyze } from './analyze.ts';
import type { BotDeps } from './deps.ts';

/**
 * How a merge into `environment` is watched: its window and step (the environment's
 * `canary:` over the top-level section's), or undefined when it has no canary.
 */
export function watchSettings(
  config: GantryConfig,
  environment: string,
): { windowSeconds: number; stepSeconds: number } | undefined {
  const env = environments(config).find((e) => e.name === environment);
  if (!env || !config.canary || env.canary === undefined || env.canary === false) return undefined;
  const own = typeof env.canary === 'object' ? env.canary : {};
  const windowSeconds = durationSeconds(own.window ?? config.canary.window);
  const stepSeconds = durationSeconds(own.step ?? config.canary.step);
  if (!windowSeconds || !stepSeconds || stepSeconds > windowSeconds) return undefined;
  return { windowSeconds, stepSeconds };
}

/** One analysis per target (`{env}` in the selectors), all ending at `end`. */
export async function analyzeTargets(
  deps: Pick<BotDeps, 'clock' | 'metricsFor'>,
  config: GantryConfig,
  app: string,
  targets: readonly string[],
  window: { end: Date; seconds?: number },
): Promise<AnalysisResult[]> {
  if (!config.canary) throw new ValidationError('the configuration has no "canary:" section');
  if (!deps.metricsFor) throw new Error('no metrics backend is wired: metricsFor is missing');
  const metrics = deps.metricsFor(config.canary);
  return Promise.all(
    targets.map((environment) =>
      analyze({
        metrics,
        config,
        app,
        environment,
        clock: deps.clock,
        end: window.end,
        ...(window.seconds ? { window: `${Math.max(1, Math.round(window.seconds))}s` } : {}),
      }),
    ),
  );
}

/**
 * The open promotion PRs of `app` out of `environment` — into each environment that comes
 * after it, or into one of its targets — whose heads the canary gates.
 */
export async function nextPromotions(
  forge: Forge,
  repo: RepoPath,
  config: GantryConfig,
  environment: string,
  app: string,
): Promise<Array<{ number: number; headSha: string }>> {
  const destinations = environments(config)
    .filter((e) => afterOf(e).includes(environment))
    .flatMap((e) => [e.name, ...(e.targets ? targetNames(e) : [])]);
  const found: Array<{ number: number; headSha: string }> = [];
  for (const destination of destinations) {
    const pr = await forge.findPullRequest(repo, promotionBranch(destination, app));
    if (pr) found.push({ number: pr.number, headSha: pr.headSha });
  }
  return found;
}

/** gantry's canary comment on a PR, read into its parts (empty when there is none yet). */
export async function readComment(
  forge: Forge,
  repo: RepoPath,
  number: number,
): Promise<CanaryComment & { url?: string }> {
  const existing = await forge.findComment(repo, number, CANARY_MARKER);
  return existing ? { ...readCanaryComment(existing.body), url: existing.url } : {};
}

/**
 * Writes the watch's part of the canary comment, read again just before (to keep what
 * `/gantry canary` wrote meanwhile), unless the watch moved on meanwhile — it has ended, or
 * reported a later analysis — because another worker got there first. False when not written.
 */
export async function writeWatchComment(
  forge: Forge,
  job: { repo: RepoPath; number: number; mergeSha: string },
  step: number,
  content: { watch: string; state: WatchState },
): Promise<boolean> {
  const latest = await readComment(forge, job.repo, job.number);
  const known = latest.state?.sha === job.mergeSha ? latest.state : undefined;
  if (known?.final || (known && known.step > step)) return false;
  const { url: _, ...parts } = latest;
  await forge.upsertComment(
    job.repo,
    job.number,
    CANARY_MARKER,
    renderCanaryComment({ ...parts, ...content }),
  );
  return true;
}
