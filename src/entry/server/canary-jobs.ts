import type { Probot } from 'probot';
import { GitHubForge } from '../../adapters/github/index.ts';
import type { GitHubClient } from '../../adapters/github/octokit.ts';
import { BullMqJobs } from '../../adapters/jobs/bullmq.ts';
import { InProcessJobs, type JobsLog } from '../../adapters/jobs/in-process.ts';
import { PrometheusMetrics } from '../../adapters/prometheus/client.ts';
import { CANARY_QUEUE } from '../../app/canary-watch.ts';
import { watchHandler } from '../../app/canary-watch-step.ts';
import type { CanaryConfig } from '../../core/config/schema.ts';
import type { Forge, RepoPath } from '../../ports/forge.ts';
import type { Jobs } from '../../ports/jobs.ts';
import type { Metrics } from '../../ports/metrics.ts';
import type { BotRunner } from './bot-runner.ts';
import { readDatasources, resolveDatasource } from './datasources.ts';

/** BullMQ on Redis when REDIS_URL is set; in-process (not durable) otherwise. */
export function createJobs(redisUrl: string | undefined, log: JobsLog, lockMs?: number): Jobs {
  if (!redisUrl) return new InProcessJobs({ log });
  // A stalled job (its worker died) is looked for as often as a lock lasts.
  const lock = lockMs ? { lockDurationMs: lockMs, stalledIntervalMs: lockMs } : {};
  return new BullMqJobs({ url: redisUrl, log, ...lock });
}

/**
 * The metrics backend of a repository's `canary:` section: one of the datasources the operator
 * declared (by name, or by a URL equal to one's), with that datasource's credentials. A
 * repository's configuration never decides where the bot's credentials are sent.
 * Throws UsageError at start-up when the declarations are malformed.
 */
export function botMetrics(
  env: Readonly<Record<string, string | undefined>>,
): (canary: CanaryConfig) => Metrics {
  const sources = readDatasources(env);
  return (canary) => new PrometheusMetrics(resolveDatasource(canary.prometheus, sources));
}

export type ForgeResolver = (kind: 'github' | 'gitlab', repo: RepoPath) => Promise<Forge>;

/**
 * A forge for a job, rebuilt from its kind and repository: GitHub through the App's
 * installation on that repository, GitLab through the configured token.
 */
export function jobForges(options: { probot?: Probot; gitlab?: Forge }): ForgeResolver {
  const installations = new Map<string, number>();
  return async (kind, repo) => {
    if (kind === 'gitlab') {
      if (!options.gitlab)
        throw new Error(`a canary watch on GitLab (${repo}) needs GITLAB_URL and GITLAB_TOKEN`);
      return options.gitlab;
    }
    const probot = options.probot;
    if (!probot) throw new Error(`a canary watch on GitHub (${repo}) needs the GitHub App credentials`);
    const [owner, name] = [repo.slice(0, repo.indexOf('/')), repo.slice(repo.indexOf('/') + 1)];
    let id = installations.get(repo);
    if (id === undefined) {
      const app = await probot.auth();
      const { data } = await app.rest.apps.getRepoInstallation({ owner, repo: name });
      id = data.id;
      installations.set(repo, id);
    }
    return new GitHubForge((await probot.auth(id)) as unknown as GitHubClient);
  };
}

/** Runs the canary watch's jobs in this process, counted and tracked like webhook deliveries. */
export function watchCanaries(runner: BotRunner, jobs: Jobs, forges: ForgeResolver): void {
  jobs.process(
    CANARY_QUEUE,
    watchHandler(
      async (job) => runner.deps(await forges(job.forge, job.repo), (repo) => forges(job.forge, repo)),
      runner.log,
      (job, work) => runner.run(job.forge, 'canary-watch', work),
    ),
  );
}
