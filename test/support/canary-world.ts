import { proposedOf } from '../../src/app/apply-promotion.ts';
import { CANARY_QUEUE } from '../../src/app/canary-watch.ts';
import { watchHandler } from '../../src/app/canary-watch-step.ts';
import { type BotDeps, noLog } from '../../src/app/deps.ts';
import { KeyedLock } from '../../src/app/keyed-lock.ts';
import { onMerged } from '../../src/app/on-merged.ts';
import { promoteOnForge } from '../../src/app/promote-on-forge.ts';
import { CANARY_MARKER } from '../../src/core/canary/watch-report.ts';
import { fixedClock } from '../../src/ports/clock.ts';
import type { Metrics, RangeQuery, Series } from '../../src/ports/metrics.ts';
import { ManualJobs } from './manual-jobs.ts';
import { MemoryForge } from './memory-forge.ts';

export const REPO = 'shop/gitops';

/** dev → staging (watched 10m at 2m, rollback auto) → prod (auto, two targets, watched). */
export const CANARY_GITOPS = `version: 1
apps:
  web:
    source: shop/web
    artifacts:
      - kind: helm-value
        path: envs/{env}/values.yaml
        key: image.tag
environments:
  - name: dev
    auto: true
  - name: staging
    after: dev
    auto: true
    canary: { window: 10m, step: 2m, rollback: auto }
  - name: prod
    after: staging
    auto: true
    targets: [prod/eu, prod/us]
    canary: true
canary:
  prometheus: http://prometheus.test
  window: 6m
  step: 3m
  minSamples: 3
  selectors:
    canary: { app: "{app}", env: "{env}", track: canary }
    baseline: { app: "{app}", env: "{env}", track: stable }
  metrics:
    - name: latency
      query: avg(latency_seconds{SELECTOR})
      direction: increase
      max: 0.5
      allowedIncrease: 1.5
      critical: true
`;

const values = (tag: string) => `image:\n  repository: registry.example.com/shop/web\n  tag: "${tag}"\n`;

/** Deterministic series: per side a value per step index (and query), chosen by the test. */
export function fakeMetrics() {
  const behaviour = {
    canary: (i: number, _query: string) => 0.2 + (i % 3) * 0.01,
    baseline: (i: number, _query: string) => 0.2 + ((i + 1) % 3) * 0.01,
    fail: undefined as Error | undefined,
  };
  const requests: RangeQuery[] = [];
  const metrics: Metrics = {
    async queryRange(request) {
      requests.push(request);
      if (behaviour.fail) throw behaviour.fail;
      const side = request.query.includes('track="canary"') ? behaviour.canary : behaviour.baseline;
      const samples: [number, number][] = [];
      const start = request.start.getTime() / 1000;
      for (let i = 0; start + i * request.stepSeconds <= request.end.getTime() / 1000; i++) {
        samples.push([start + i * request.stepSeconds, side(i, request.query)]);
      }
      return [{ labels: {}, samples }] satisfies Series[];
    },
    queryInstant: async () => [],
    graphUrl: () => 'http://prometheus.test/graph',
  };
  return { metrics, behaviour, requests };
}

/** A GitOps repo in memory, a clock that jobs move, and the watch's handler registered. */
export function canaryWorld(config = CANARY_GITOPS) {
  const forge = new MemoryForge();
  forge.seed(REPO, {
    '.gantry.yml': config,
    'envs/dev/values.yaml': values('1.5.0'),
    'envs/staging/values.yaml': values('1.4.0'),
    'envs/prod/eu/values.yaml': values('1.3.0'),
    'envs/prod/us/values.yaml': values('1.3.0'),
  });
  // A Wednesday: no freeze anywhere near.
  const clock = fixedClock(new Date('2026-11-25T12:00:00Z'));
  const jobs = new ManualJobs(clock);
  const fake = fakeMetrics();
  const deps: BotDeps = {
    forge,
    forgeFor: async () => forge,
    clock,
    log: noLog,
    lock: new KeyedLock(),
    jobs,
    metricsFor: () => fake.metrics,
  };
  jobs.process(
    CANARY_QUEUE,
    watchHandler(async () => deps, noLog),
  );
  return { forge, clock, jobs, deps, fake };
}

export type CanaryWorld = ReturnType<typeof canaryWorld>;

/** Opens the promotion PR into `to` (from its `after`) and merges it; returns the merge event. */
export async function mergePromotion(world: CanaryWorld, to: string) {
  const { forge, deps } = world;
  const { outcomes } = await promoteOnForge(deps, forge, REPO, 'main', {
    kind: 'promote',
    request: { to, apps: ['web'] },
  });
  return mergePullRequest(world, proposedOf(outcomes[0]!).pullRequest.number);
}

export async function mergePullRequest(world: CanaryWorld, number: number) {
  const { forge, deps } = world;
  const pr = forge.merge(REPO, number);
  const event = {
    repo: REPO,
    number,
    base: 'main',
    mergeSha: forge.repos.get(REPO)!.branches.get('main')!,
    head: pr.head,
    body: pr.body,
  };
  const outcome = await onMerged(deps, event);
  return { event, outcome, pr };
}

/** gantry's canary comments on a PR (there must be at most one). */
export function canaryComments(world: CanaryWorld, number: number) {
  return world.forge.comments.filter((c) => c.pullRequest === number && c.body.includes(CANARY_MARKER));
}

export function statusesOn(world: CanaryWorld, sha: string) {
  return world.forge.statuses
    .filter((s) => s.sha === sha && s.context === 'gantry/canary')
    .map((s) => s.state);
}
