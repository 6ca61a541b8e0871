import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type Logger, pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { GitLabForge } from '../../adapters/gitlab/index.ts';
import { RedisLock } from '../../adapters/jobs/redis-lock.ts';
import { DEFAULT_RETRY, type RetryPolicy } from '../../core/retry/policy.ts';
import { type Clock, systemClock } from '../../ports/clock.ts';
import type { Forge } from '../../ports/forge.ts';
import type { Jobs } from '../../ports/jobs.ts';
import { BotRunner } from './bot-runner.ts';
import { botMetrics, createJobs, jobForges, watchCanaries } from './canary-jobs.ts';
import { deliveryForges } from './delivery-deps.ts';
import { DELIVERY_QUEUE, type Delivery, type DeliveryRetry, deliveryHandler } from './delivery-jobs.ts';
import { githubApp } from './github-app.ts';
import { githubReceiver } from './github-receiver.ts';
import { githubSetupHandler, readRegistration } from './github-setup.ts';
import { gitlabReceiver } from './gitlab-receiver.ts';
import { send } from './http.ts';
import { internalRoutes, listen } from './internal-routes.ts';
import type { ServerSettings } from './settings.ts';
import { SWEEP_QUEUE, scheduleSweep, sweepHandler } from './sweep-jobs.ts';
import { createTelemetry } from './telemetry.ts';
import { DEFAULT_LIMITS, WebhookGuard } from './webhook-guard.ts';

/** gantry's version: onboarding PRs pin the include and the Action to `v<version>`. */
const { version: VERSION } = JSON.parse(
  readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};

export const GITHUB_PATH = '/api/github/webhooks';
export const GITLAB_PATH = '/api/gitlab/webhooks';
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** `fetch` that gives up after `ms` (Octokit reports it as a failed request: retryable). */
function withTimeout(inner: typeof fetch, ms: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return inner(input, { ...init, signal });
  };
}

/** How often a repository gantry worked on is swept for orphaned gantry/* branches. */
export const DEFAULT_SWEEP_MS = 15 * 60_000;

/** Test seams: where forge HTTP requests go, and the clock. */
export interface ServerOptions {
  log?: Logger;
  clock?: Clock;
  githubFetch?: typeof fetch;
  /** Pace GitHub writes as Probot does by default (true). */
  githubThrottle?: boolean;
  gitlabDispatcher?: RequestInit['dispatcher'];
  /** Jobs to use instead of those REDIS_URL selects; environment for Prometheus credentials. */
  jobs?: Jobs;
  /** Delivery retries over the settings' (tests: `scale` shortens every wait, `random` fixes jitter). */
  retry?: Partial<RetryPolicy> & { scale?: number; random?: () => number };
  /** How long a stop waits for accepted in-process deliveries to finish (default 25 s). */
  drainMs?: number;
  env?: Readonly<Record<string, string | undefined>>;
}

export interface GantryServer {
  /** `http://host:port` once started. */
  readonly url: string;
  /** The internal port's URL (METRICS_PORT), once started. */
  readonly metricsUrl?: string;
  readonly runner: BotRunner;
  start(): Promise<void>;
  /** Stops accepting, finishes work in flight, closes. */
  stop(): Promise<void>;
}

type OctokitOptions = NonNullable<ConstructorParameters<typeof ProbotOctokit>[0]>;

/**
 * Probot's Octokit, with waiting left to the delivery jobs: no in-request retries (plugin-retry
 * retried a 429 after 1 s whatever its Retry-After said) and rate-limit handlers that decline,
 * so the error reaches the job, which waits as long as GitHub asked — durably, on any replica,
 * within its deadline. Probot's default secondary-limit handler only logged. Pacing of writes
 * (plugin-throttling's Bottleneck, shared through Redis with REDIS_URL) stays on.
 * Probot merges its own throttle options over any defaults; only a subclass can override them.
 */
class ServerOctokit extends ProbotOctokit {
  constructor(options: OctokitOptions = {}) {
    super(serverOctokitOptions(options, true));
  }
}

/** The same, without pacing: tests against a fake count calls and must not wait. */
class UnthrottledOctokit extends ProbotOctokit {
  constructor(options: OctokitOptions = {}) {
    super(serverOctokitOptions(options, false));
  }
}

function serverOctokitOptions(options: OctokitOptions, paced: boolean): OctokitOptions {
  const decline = (retryAfter: number, request: { method: string; url: string }) => {
    (options.log as { warn?: (m: string) => void } | undefined)?.warn?.(
      `GitHub rate limit on ${request.method} ${request.url}: the delivery job retries in ${retryAfter} s`,
    );
    return false;
  };
  return {
    ...options,
    retry: { enabled: false },
    throttle: {
      ...options.throttle,
      onRateLimit: decline,
      onSecondaryRateLimit: decline,
      ...(paced ? {} : { enabled: false }),
    },
  } as OctokitOptions;
}

type Route = (request: IncomingMessage, response: ServerResponse) => unknown;

/**
 * One HTTP server: the GitHub App (Probot) at /api/github/webhooks, the GitLab receiver at
 * /api/gitlab/webhooks, /healthz, /readyz and /metrics. Without GitHub App credentials the
 * server offers Probot's App registration flow at / instead of the GitHub webhook route.
 */
export async function createGantryServer(
  settings: ServerSettings,
  options: ServerOptions = {},
): Promise<GantryServer> {
  const log = options.log ?? pino({ level: settings.logLevel, name: 'gantry' });
  const telemetry = createTelemetry();
  const jobs = options.jobs ?? createJobs(settings.redisUrl, log.child({ name: 'jobs' }), settings.jobLockMs);
  const requestTimeoutMs = settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const retry: DeliveryRetry = {
    policy: {
      ...DEFAULT_RETRY,
      ...settings.retry,
      ...Object.fromEntries(
        Object.entries(options.retry ?? {}).filter(
          ([k]) => k === 'baseMs' || k === 'maxMs' || k === 'deadlineMs',
        ),
      ),
    },
    scale: options.retry?.scale ?? 1,
    random: options.retry?.random ?? Math.random,
  };
  // Replicas on one Redis share a lock per GitOps repository (with expiry) besides the jobs.
  const sharedLock = settings.redisUrl
    ? new RedisLock({
        url: settings.redisUrl,
        log: log.child({ name: 'lock' }),
        ...(settings.jobLockMs ? { ttlMs: settings.jobLockMs } : {}),
      })
    : undefined;
  const runner = new BotRunner(
    telemetry,
    log,
    options.clock ?? systemClock,
    {
      botName: settings.botName,
      ignoreAuthors: settings.gitlab?.botUsername ? [settings.gitlab.botUsername] : [],
      build: { version: VERSION },
      jobs,
      metricsFor: botMetrics(options.env ?? process.env),
    },
    sharedLock,
  );
  // One guard for both routes: a source's rate and failures count across forges.
  const guard = new WebhookGuard(settings.webhooks ?? DEFAULT_LIMITS);
  let probot: Probot | undefined;
  let github: Route;
  let setup: ((request: IncomingMessage, response: ServerResponse) => Promise<boolean>) | undefined;
  if (settings.github) {
    probot = new Probot({
      appId: settings.github.appId,
      privateKey: settings.github.privateKey,
      secret: settings.github.secret,
      log: log.child({ name: 'probot' }),
      ...(settings.github.baseUrl ? { baseUrl: settings.github.baseUrl } : {}),
      // A hung request would hold its job (and the repository's lock) for ever.
      request: { fetch: withTimeout(options.githubFetch ?? fetch, requestTimeoutMs) },
      // Probot's Octokit paces writes (≥ 1 s apart, GitHub's advice against secondary rate
      // limits); tests against a fake switch that off.
      Octokit: options.githubThrottle === false ? UnthrottledOctokit : ServerOctokit,
      // Replicas share one pacing and rate-limit state (Bottleneck on Redis).
      ...(settings.redisUrl ? { redisConfig: settings.redisUrl } : {}),
    });
    await probot.load(githubApp(runner));
    github = githubReceiver({ probot, secret: settings.github.secret, runner, guard });
  } else {
    setup = githubSetupHandler({
      registration: settings.registration ?? readRegistration({}),
      webhooksPath: GITHUB_PATH,
      log: log.child({ name: 'registration' }),
      ...(options.githubFetch ? { fetch: options.githubFetch } : {}),
    });
    github = (_request, response) =>
      send(response, 503, {
        error:
          'GitHub App not configured: open / on this server to register one, or set APP_ID, PRIVATE_KEY and WEBHOOK_SECRET',
      });
  }
  const gitlabForge: Forge | undefined = settings.gitlab
    ? new GitLabForge({
        host: settings.gitlab.url,
        token: settings.gitlab.token,
        ...(options.gitlabDispatcher ? { dispatcher: options.gitlabDispatcher } : {}),
        timeoutMs: requestTimeoutMs,
      })
    : undefined;
  const gitlab: Route | undefined =
    settings.gitlab && gitlabForge
      ? gitlabReceiver({ forge: gitlabForge, secrets: settings.gitlab.secrets, runner, guard })
      : undefined;

  let listening = false;
  const probes = internalRoutes(telemetry, () => listening && runner.accepting);
  const internal = settings.metricsPort !== undefined;
  const route = async (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (await probes(path, response, { metrics: !internal })) return;
    // The receiver checks the signature header and Content-Length before reading a byte.
    if (path === GITHUB_PATH) return github(request, response);
    if (path === GITLAB_PATH) {
      return gitlab
        ? gitlab(request, response)
        : send(response, 404, { error: 'GitLab is not enabled: set GITLAB_URL and GITLAB_TOKEN' });
    }
    if (setup && (await setup(request, response))) return;
    send(response, 404, { error: 'not found' });
  };
  const serve = (handle: Route) =>
    createServer((request, response) => {
      Promise.resolve(handle(request, response)).catch((error: unknown) => {
        log.error({ err: error }, 'request failed');
        if (!response.headersSent) send(response, 500, { error: 'internal error' });
      });
    });
  const server: Server = serve(route);
  const metricsServer = internal
    ? serve(async (request, response) => {
        const path = (request.url ?? '/').split('?')[0] ?? '/';
        if (!(await probes(path, response, { metrics: true }))) send(response, 404, { error: 'not found' });
      })
    : undefined;

  let url = '';
  let metricsUrl: string | undefined;
  return {
    get url() {
      return url;
    },
    get metricsUrl() {
      return metricsUrl;
    },
    runner,
    async start() {
      url = await listen(server, settings.port, settings.host);
      if (metricsServer) metricsUrl = await listen(metricsServer, settings.metricsPort!, settings.host);
      listening = true;
      const forges = { ...(probot ? { probot } : {}), ...(gitlabForge ? { gitlab: gitlabForge } : {}) };
      const delivered = deliveryForges(runner, forges);
      const sweepMs = settings.sweepMs ?? DEFAULT_SWEEP_MS;
      const sweep = (delivery: Delivery, repos: ReadonlySet<string>) =>
        Promise.all(
          [...repos].map((repo) => scheduleSweep(jobs, { forge: delivery.forge, repo }, sweepMs)),
        ).then(() => {});
      jobs.process(DELIVERY_QUEUE, deliveryHandler(runner, delivered.deps, retry, sweep));
      jobs.process(SWEEP_QUEUE, sweepHandler(runner, delivered, jobs, sweepMs));
      watchCanaries(runner, jobs, jobForges(forges));
      log.info(
        {
          github: settings.github
            ? 'app'
            : `not configured: open ${settings.registration?.publicUrl ?? url.replace(/:\/\/(0\.0\.0\.0|\[::\]):/, '://localhost:')}/ to register the App`,
          gitlab: settings.gitlab ? settings.gitlab.url : 'off',
          jobs: jobs.description,
        },
        `gantry listening on ${url}${metricsUrl ? ` (metrics and health on ${metricsUrl})` : ''}`,
      );
    },
    async stop() {
      // Draining: webhooks and /readyz answer 503 (load balancers stop sending, forges see a
      // failed delivery they can redeliver) while accepted deliveries finish; then it closes.
      runner.stopAccepting();
      const drained = await Promise.race([
        runner.idle().then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), options.drainMs ?? 25_000).unref()),
      ]);
      if (!drained) log.warn('stopping before every accepted delivery finished (the drain timed out)');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Running analyses finish (and queue their next one) before the connections close.
      await jobs.close();
      await sharedLock?.close();
      server.closeAllConnections();
      await closed;
      if (metricsServer) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      listening = false;
    },
  };
}
