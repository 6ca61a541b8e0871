import type { IncludeSource } from '../core/build/gitlab-include.ts';
import type { CanaryConfig } from '../core/config/schema.ts';
import type { Clock } from '../ports/clock.ts';
import type { Forge, RepoPath } from '../ports/forge.ts';
import type { Jobs } from '../ports/jobs.ts';
import type { RepoLock } from '../ports/lock.ts';
import type { Metrics } from '../ports/metrics.ts';

/** What a logger must do; pino (Probot's logger) fits. */
export interface Log {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** What the bot's use cases get: the forge of the event, and the means to reach other repos. */
export interface BotDeps {
  /** The forge the event came from, authorised for the event's repository. */
  forge: Forge;
  /** The same forge, authorised for another repository (the GitOps repo of an app repo). */
  forgeFor(repo: RepoPath): Promise<Forge>;
  clock: Clock;
  log: Log;
  /** Serialises promotions of one repository: in this process, and across replicas with Redis. */
  lock: RepoLock;
  /** Counts what the bot did, for /metrics: promotions by outcome, refused releases by forge. */
  record?(event: 'promotion' | 'release-refused', outcome: string): void;
  /** Where the CI config gantry proposes takes gantry from (onboarding, Dockerfile changes). */
  build?: BuildRefs;
  /** Durable delayed jobs: canary watches. Without, a merge into a canary environment is not watched. */
  jobs?: Jobs;
  /** The metrics backend of a configuration's `canary:` section (canary watch, `/gantry canary`). */
  metricsFor?(canary: CanaryConfig): Metrics;
}

export interface BuildRefs {
  /** gantry's version: the default component is `…/kaniko@<version>`, the Action `@v<version>`. */
  version: string;
  include?: IncludeSource;
  /** `owner/repo@ref` of the Action. */
  action?: string;
  /** The commit of that ref: generated workflows pin the Action to it. */
  actionSha?: string;
}

/** What handling one event did, for logs, metrics and tests. */
export interface Outcome {
  action: string;
  detail?: string;
  pullRequests?: number[];
}

export const ignored = (detail: string): Outcome => ({ action: 'ignored', detail });
export const noLog: Log = { info() {}, warn() {}, error() {} };
