import { sweepOrphans } from '../../app/sweep-orphans.ts';
import type { RepoPath } from '../../ports/forge.ts';
import type { JobHandler, Jobs } from '../../ports/jobs.ts';
import type { BotRunner } from './bot-runner.ts';
import type { DeliveryForges } from './delivery-deps.ts';

export const SWEEP_QUEUE = 'sweep';

export interface SweepJob {
  forge: 'github' | 'gitlab';
  repo: RepoPath;
}

/**
 * Sweeps run per repository on a fixed grid of time slots: the id names the slot, so every
 * replica and every delivery that asks for the next sweep of a repository asks for the same
 * job, and a sweep that finishes asks for the one after.
 */
export async function scheduleSweep(
  jobs: Jobs,
  job: SweepJob,
  intervalMs: number,
  now = Date.now(),
): Promise<void> {
  const slot = Math.floor(now / intervalMs) + 1;
  await jobs.enqueue(SWEEP_QUEUE, job, {
    id: `sweep/${job.forge}/${job.repo}/${slot}`,
    delayMs: slot * intervalMs - now,
    attempts: 3,
    backoffMs: Math.min(60_000, intervalMs / 4),
  });
}

/** Every repository a delivery reached is swept at the next slot, and then periodically. */
export function sweepHandler(
  runner: BotRunner,
  forges: DeliveryForges,
  jobs: Jobs,
  intervalMs: number,
): JobHandler<SweepJob> {
  return async (job) => {
    const forge = await forges.forge(job.forge, job.repo);
    const outcomes = await runner.track(sweepOrphans(runner, forge, job.repo));
    for (const outcome of outcomes) runner.telemetry.sweeps.inc({ forge: job.forge, action: outcome.action });
    await scheduleSweep(jobs, job, intervalMs);
  };
}
