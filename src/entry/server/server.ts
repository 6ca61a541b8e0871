import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { GitLabForge } from '../../adapters/gitlab/index.ts';
import { type Clock, systemClock } from '../../ports/clock.ts';
import type { Forge } from '../../ports/forge.ts';
import type { Jobs } from '../../ports/jobs.ts';
import { BotRunner } from './bot-runner.ts';
import { botMetrics, createJobs, jobForges, watchCanaries } from './canary-jobs.ts';
import { githubApp } from './github-app.ts';
import { githubReceiver } from './github-receiver.ts';
import { githubSetupHandler } from './github-setup.ts';
import { gitlabReceiver } from './gitlab-receiver.ts';
import { send } from './http.ts';
import type { ServerSettings } from './settings.ts';
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
      ...(options.githubFetch ? { request: { fetch: options.githubFetch } } : {}),
      // Probot's Octokit paces writes (≥ 1 s apart, GitHub's advice against secondary rate
      // limits); tests against a fake switch that off.
      ...(options.githubThrottle === false ? { Octokit: UnthrottledOctokit } : {}),
    });
    await probot.load(githubApp(runner));
    github = githubReceiver({ probot, secret: settings.github.secret, runner, guard });
  } else {
    setup = await githubSetupHandler({ host: settings.host, port: settings.port, log });
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
      ? gitlabReceiver({ forge: gitlabForge, secrets: settings.gitlab.secrets, runner, guard })
      : undefined;

  let listening = false;
  const route = async (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz') return send(response, 200, 'ok\n', 'text/plain');
    if (path === '/readyz') {
      return listening && runner.accepting
        ? send(response, 200, 'ready\n', 'text/plain')
        : send(response, 503, 'not ready\n', 'text/plain');
    }
    if (path === '/metrics')
      return send(response, 200, await telemetry.registry.metrics(), telemetry.registry.contentType);
    if (path === GITHUB_PATH) return github(request, response);
    if (path === GITLAB_PATH) {
      return gitlab
        ? gitlab(request, response)
        : send(response, 404, { error: 'GitLab is not enabled: set GITLAB_URL and GITLAB_TOKEN' });
    }
    if (setup && (await setup(request, response))) return;
    send(response, 404, { error: 'not found' });
  };
  const server: Server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      log.error({ err: error }, 'request failed');
      if (!response.headersSent) send(response, 500, { error: 'internal error' });
    });
  });

  let url = '';
  return {
    get url() {
      return url;
    },
    runner,
    async start() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(settings.port, settings.host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
      listening = true;
      watchCanaries(runner, jobs, jobForges({ probot, ...(gitlabForge ? { gitlab: gitlabForge } : {}) }));
      log.info(
        {
          github: settings.github ? 'app' : 'registration flow at /',
          gitlab: settings.gitlab ? settings.gitlab.url : 'off',
          jobs: jobs.description,
        },
        `gantry listening on ${url}`,
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
      listening = false;
    },
  };
}
