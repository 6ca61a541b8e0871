import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type Logger, pino } from 'pino';
import { createNodeMiddleware, Probot, ProbotOctokit } from 'probot';
import { GitLabForge } from '../../adapters/gitlab/index.ts';
import { type Clock, systemClock } from '../../ports/clock.ts';
import type { Forge } from '../../ports/forge.ts';
import type { Jobs } from '../../ports/jobs.ts';
import { BotRunner } from './bot-runner.ts';
import { botMetrics, createJobs, jobForges, watchCanaries } from './canary-jobs.ts';
import { githubApp } from './github-app.ts';
import { githubSetupHandler, readRegistration } from './github-setup.ts';
import { gitlabReceiver } from './gitlab-receiver.ts';
import { send } from './http.ts';
import { internalRoutes, listen } from './internal-routes.ts';
import type { ServerSettings } from './settings.ts';
import { createTelemetry } from './telemetry.ts';

/** gantry's version: onboarding PRs pin the include and the Action to `v<version>`. */
const { version: VERSION } = JSON.parse(
  readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};

export const GITHUB_PATH = '/api/github/webhooks';
export const GITLAB_PATH = '/api/gitlab/webhooks';
export const MAX_GITHUB_BODY = 25 * 1024 * 1024;

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

/** Probot merges its own throttle options over any defaults; only a subclass can switch pacing off. */
class UnthrottledOctokit extends ProbotOctokit {
  constructor(options: ConstructorParameters<typeof ProbotOctokit>[0] = {}) {
    super({ ...options, throttle: { ...options.throttle, enabled: false } } as ConstructorParameters<
      typeof ProbotOctokit
    >[0]);
  }
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
  const jobs = options.jobs ?? createJobs(settings.redisUrl, log.child({ name: 'jobs' }));
  const runner = new BotRunner(telemetry, log, options.clock ?? systemClock, {
    botName: settings.botName,
    ignoreAuthors: settings.gitlab?.botUsername ? [settings.gitlab.botUsername] : [],
    build: { version: VERSION },
    jobs,
    metricsFor: botMetrics(options.env ?? process.env),
  });
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
      ...(options.githubFetch ? { request: { fetch: options.githubFetch } } : {}),
      // Probot's Octokit paces writes (≥ 1 s apart, GitHub's advice against secondary rate
      // limits); tests against a fake switch that off.
      ...(options.githubThrottle === false ? { Octokit: UnthrottledOctokit } : {}),
    });
    const middleware = await createNodeMiddleware(githubApp(runner), { probot, webhooksPath: GITHUB_PATH });
    github = (request, response) =>
      runner.accepting
        ? middleware(request, response, () => send(response, 404, { error: 'not found' }))
        : send(response, 503, { error: 'shutting down' });
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
      })
    : undefined;
  const gitlab: Route | undefined =
    settings.gitlab && gitlabForge
      ? gitlabReceiver({ forge: gitlabForge, secrets: settings.gitlab.secrets, runner })
      : undefined;

  let listening = false;
  const probes = internalRoutes(telemetry, () => listening && runner.accepting);
  const internal = settings.metricsPort !== undefined;
  const route = async (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (await probes(path, response, { metrics: !internal })) return;
    if (path === GITHUB_PATH) {
      // GitHub caps webhook payloads at 25 MB and always sends Content-Length; Probot reads the
      // body whole, so anything bigger or unsized is refused before it is read.
      const length = Number(request.headers['content-length'] ?? Number.NaN);
      if (request.method === 'POST' && !Number.isFinite(length))
        return send(response, 411, { error: 'Content-Length required' });
      if (length > MAX_GITHUB_BODY)
        return send(response, 413, { error: `body exceeds ${MAX_GITHUB_BODY} bytes` });
      return github(request, response);
    }
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
      watchCanaries(runner, jobs, jobForges({ probot, ...(gitlabForge ? { gitlab: gitlabForge } : {}) }));
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
      runner.stopAccepting();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await runner.idle();
      // Running analyses finish (and queue their next one) before the connections close.
      await jobs.close();
      server.closeAllConnections();
      await closed;
      if (metricsServer) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      listening = false;
    },
  };
}
