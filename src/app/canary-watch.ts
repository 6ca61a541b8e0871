import * as z from 'zod';
import { planWatch, stepDue, type WatchState } from '../core/canary/watch.ts';
import {
  CANARY_MARKER,
  pendingStatus,
  renderCanaryComment,
  renderWatchSection,
} from '../core/canary/watch-report.ts';
import type { GantryConfig } from '../core/config/schema.ts';
import type { PromotionMetadata } from '../core/promote/pr-body.ts';
import type { Jobs } from '../ports/jobs.ts';
import { nextPromotions, readComment, watchSettings } from './canary-targets.ts';
import type { BotDeps } from './deps.ts';
import type { MergedEvent } from './on-merged.ts';

export const CANARY_QUEUE = 'canary-watch';

const version = z.object({ tag: z.string().optional(), digest: z.string().optional() });

/**
 * One analysis of a watch, as a durable job: everything needed to run it in another process
 * after a restart — no credentials (the forge is rebuilt from `forge` and `repo`), no state
 * (that is in the sticky comment). Validated when read back from the queue.
 */
export const watchJob = z.object({
  v: z.literal(1),
  forge: z.enum(['github', 'gitlab']),
  repo: z.string().min(1),
  /** The merged promotion PR and its merge commit. */
  number: z.number().int().positive(),
  mergeSha: z.string().min(1),
  /** The branch it was merged into: where a rollback PR goes. */
  base: z.string().min(1),
  app: z.string().min(1),
  environment: z.string().min(1),
  /** The targets analysed (`{env}` in the selectors), and the version each had before the merge. */
  targets: z.array(z.object({ target: z.string().min(1), previous: version.optional() })).min(1),
  schedule: z.object({
    start: z.iso.datetime(),
    end: z.iso.datetime(),
    stepSeconds: z.number().positive(),
    steps: z.number().int().positive(),
  }),
  /** Which analysis this is, 1…steps. */
  step: z.number().int().positive(),
  /** The merged PR was itself a rollback: never rolled back automatically. */
  isRollback: z.boolean(),
});
export type WatchJob = z.infer<typeof watchJob>;

/** Dedup id of an analysis: a redelivered webhook or a rerun schedules nothing twice. */
export function watchJobId(job: Pick<WatchJob, 'forge' | 'repo' | 'number' | 'mergeSha'>, step: number) {
  return `canary/${job.forge}/${job.repo}#${job.number}/${job.mergeSha.slice(0, 12)}/${step}`;
}

/** Puts analysis `step` of a watch in the queue, due at its time. */
export async function scheduleStep(
  deps: Pick<BotDeps, 'clock'> & { jobs: Jobs },
  job: WatchJob,
  step: number,
) {
  const delayMs = stepDue(job.schedule, step).getTime() - deps.clock.now().getTime();
  // A step that fails (forge or network trouble) is retried; the schedule does not slip.
  await deps.jobs.enqueue<WatchJob>(
    CANARY_QUEUE,
    { ...job, step },
    { id: watchJobId(job, step), delayMs: Math.max(0, delayMs), attempts: 4, backoffMs: 5000 },
  );
}

/**
 * A promotion PR into an environment with `canary:` was merged: sets `gantry/canary` pending
 * on the merge commit and on the next environment's open promotion PR, posts the sticky
 * comment and schedules the first analysis. Undefined when the environment is not watched
 * (or there are no jobs); a redelivered webhook finds the watch in the comment and only makes
 * sure its next analysis is queued.
 */
export async function startWatch(
  deps: BotDeps,
  event: MergedEvent & { number: number },
  metadata: PromotionMetadata,
  config: GantryConfig,
): Promise<{ end: string } | undefined> {
  const settings = watchSettings(config, metadata.environment);
  if (!settings || !deps.jobs) return undefined;
  const { forge } = deps;
  const comment = await readComment(forge, event.repo, event.number);
  const job = (schedule: WatchState['schedule']): WatchJob => ({
    v: 1,
    forge: forge.kind,
    repo: event.repo,
    number: event.number,
    mergeSha: event.mergeSha,
    base: event.base,
    app: metadata.app,
    environment: metadata.environment,
    targets: metadata.targets.map((t) => ({ target: t.target, ...(t.from ? { previous: t.from } : {}) })),
    schedule,
    step: 1,
    isRollback: metadata.kind === 'rollback' || metadata.rollback !== undefined,
  });
  const known = comment.state?.sha === event.mergeSha ? comment.state : undefined;
  if (known) {
    if (!known.final && known.step < known.schedule.steps) {
      await scheduleStep({ ...deps, jobs: deps.jobs }, job(known.schedule), known.step + 1);
    }
    return { end: known.schedule.end };
  }
  const schedule = planWatch(deps.clock.now(), settings.windowSeconds, settings.stepSeconds);
  // Queued first: if this process dies before the comment is written, the analysis still runs.
  await scheduleStep({ ...deps, jobs: deps.jobs }, job(schedule), 1);
  const pending = pendingStatus(metadata.app, metadata.environment, schedule);
  const heads = new Set([
    event.mergeSha,
    ...(await nextPromotions(forge, event.repo, config, metadata.environment, metadata.app)).map(
      (p) => p.headSha,
    ),
  ]);
  for (const sha of heads) await forge.setCommitStatus(event.repo, sha, pending);
  const state: WatchState = { v: 1, sha: event.mergeSha, schedule, step: 0, pendingOn: [...heads] };
  const watch = renderWatchSection({
    app: metadata.app,
    environment: metadata.environment,
    sha: event.mergeSha,
    schedule,
    step: 0,
    results: [],
  });
  await forge.upsertComment(
    event.repo,
    event.number,
    CANARY_MARKER,
    renderCanaryComment({ ...comment, watch, state }),
  );
  return { end: schedule.end };
}
