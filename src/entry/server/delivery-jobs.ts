import type { BotEvent } from '../../app/bot.ts';
import { handleEvent } from '../../app/bot.ts';
import type { ChatOpsDeps } from '../../app/comment-event.ts';
import type { Log } from '../../app/deps.ts';
import { ignored, type Outcome } from '../../app/deps.ts';
import { reportFailure } from '../../app/report-failure.ts';
import type { RetryPolicy } from '../../core/retry/policy.ts';
import { retryDecision } from '../../core/retry/policy.ts';
import { type JobHandler, RetryLater } from '../../ports/jobs.ts';
import type { Telemetry } from './telemetry.ts';

export const DELIVERY_QUEUE = 'deliveries';

/** An accepted webhook delivery: all a job needs, since another replica may run it. */
export interface Delivery {
  forge: 'github' | 'gitlab';
  /** `X-GitHub-Delivery`; GitLab `Idempotency-Key` or `X-Gitlab-Event-UUID`; else a hash of the body. */
  id: string;
  /** The webhook's event name, for logs and metrics. */
  event: string;
  /** GitHub: the App installation whose token the job uses. */
  installation?: number;
  work: BotEvent;
  /** A workflow run on `head_branch`: ignored when that name is a branch, not a tag. */
  unlessBranch?: string;
}

/** How deliveries are retried; `scale` multiplies every wait (a test seam: 0.01 makes 2 s 20 ms). */
export interface DeliveryRetry {
  policy: RetryPolicy;
  scale: number;
  random: () => number;
}

/** What the handler needs of the server's runner. */
export interface DeliveryRunner {
  telemetry: Telemetry;
  log: Log;
  /** Tracks work in flight, so a shutdown waits for it. */
  track<T>(work: Promise<T>): Promise<T>;
}

/** The use-case dependencies of a delivery: its forge (authenticated anew in the job) and more. */
export type DeliveryDeps = (delivery: Delivery) => Promise<ChatOpsDeps>;

const repoOf = (event: BotEvent) => (event.kind === 'comment' ? event.comment.repo : event.repo);

/**
 * Runs a delivery's use case. A transient failure (RetryableError, lost compare-and-swap) is
 * tried again — the same job, after `max(Retry-After, jittered exponential backoff)` — until
 * the deadline counted from acceptance; anything else, or the deadline, fails it for good:
 * a failed status or a comment where the user looks, a metric and an error log with the id.
 * Use cases are idempotent (a promotion whose branch exists finds or opens its PR), which is
 * what makes running one again safe.
 */
export function deliveryHandler(
  runner: DeliveryRunner,
  depsFor: DeliveryDeps,
  retry: DeliveryRetry,
  /** Told, once a delivery is done (either way), every repository it reached: they get swept. */
  reached: (delivery: Delivery, repos: ReadonlySet<string>) => Promise<void> = async () => {},
): JobHandler<Delivery> {
  const { telemetry, log } = runner;
  return async (delivery, meta) => {
    // Read back from Redis: a payload that is not a delivery (another version's) cannot run.
    if (typeof delivery?.id !== 'string' || typeof delivery.work?.kind !== 'string') {
      log.error({ id: meta.id }, `delivery job ${meta.id} dropped: not a delivery`);
      return;
    }
    const labels = { forge: delivery.forge, event: delivery.event };
    const fields = { delivery: delivery.id, ...labels, attempt: meta.attempt };
    let deps: ChatOpsDeps | undefined;
    const repos = new Set([repoOf(delivery.work)]);
    const work = async (): Promise<Outcome> => {
      const built = await depsFor(delivery);
      deps = {
        ...built,
        forgeFor: (repo) => {
          repos.add(repo);
          return built.forgeFor(repo);
        },
      };
      if (delivery.unlessBranch) {
        const repo = repoOf(delivery.work);
        if ((await deps.forge.branchHead(repo, delivery.unlessBranch)) !== null)
          return ignored(`workflow run on branch ${delivery.unlessBranch}`);
      }
      return handleEvent(deps, delivery.work);
    };
    const stop = telemetry.duration.startTimer(labels);
    try {
      const outcome = await runner.track(work());
      stop();
      telemetry.deliveries.inc({ ...labels, outcome: outcome.action });
      log.info({ ...fields, ...outcome }, `${delivery.forge} ${delivery.event}: ${outcome.action}`);
      await reached(delivery, repos).catch((e: unknown) =>
        log.warn({ ...fields, err: e }, 'could not schedule a sweep'),
      );
    } catch (error) {
      stop();
      // In the policy's time: a scaled test clock runs the deadline as fast as the waits.
      const elapsed = (Date.now() - meta.enqueuedAt) / retry.scale;
      const decision = retryDecision(error, meta.attempt, elapsed, retry.policy, retry.random());
      const message = (error as Error).message;
      if (decision.retry) {
        telemetry.deliveryRetries.inc({ ...labels, reason: decision.reason });
        log.warn(
          { ...fields, err: error, waitMs: decision.delayMs },
          `${delivery.forge} ${delivery.event} delivery ${delivery.id}: retrying in ${decision.delayMs} ms: ${message}`,
        );
        throw new RetryLater(decision.delayMs * retry.scale, { cause: error });
      }
      telemetry.deliveries.inc({ ...labels, outcome: 'failed' });
      telemetry.deliveryFailures.inc({ ...labels, reason: decision.reason });
      let where = 'nowhere (no forge)';
      if (deps) {
        where = await reportFailure(deps.forge, delivery.work, {
          delivery: delivery.id,
          attempts: meta.attempt,
          reason: decision.reason,
          message,
        }).catch((reportError: unknown) => `nowhere (reporting failed: ${(reportError as Error).message})`);
      }
      log.error(
        { ...fields, err: error, reason: decision.reason, reported: where },
        `${delivery.forge} ${delivery.event} delivery ${delivery.id} failed for good (${decision.reason}): ${message}; reported: ${where}`,
      );
      await reached(delivery, repos).catch((e: unknown) =>
        log.warn({ ...fields, err: e }, 'could not schedule a sweep'),
      );
      throw error;
    }
  };
}
