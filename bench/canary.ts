/**
 * Canary analysis benchmark (npm run bench:canary). Against a real Prometheus (Debian package)
 * holding generated series, 30 min at a 15 s step (121 points per side):
 *
 *   1. For M = 1, 5, 20 metrics: the wall time of one whole analysis (2·M query_range calls,
 *      run in parallel with bounded concurrency, then the statistics) and its ratio to the
 *      slowest single query_range of the batch, each query timed alone in the same run.
 *      Target: ≤ 1.5×. Also printed: the sum of the single queries (what a sequential
 *      analysis would wait) and the CPU time gantry and Prometheus spend per analysis. It runs
 *      three ways: directly on loopback, and through a proxy that holds every answer 50 ms or
 *      150 ms, as a Prometheus across a network would.
 *   2. The statistics for 10,000 points per side (Mann-Whitney U + Hodges-Lehmann interval,
 *      and the whole query-metric judgement), with their ratio to sorting the 20,000 values
 *      once — the least any rank test must do.
 *
 * Each figure is the median of several rounds after a warm-up.
 */
import { readFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { PrometheusMetrics } from '../src/adapters/prometheus/client.ts';
import { analyze } from '../src/app/analyze.ts';
import { hodgesLehmann } from '../src/core/canary/hodges-lehmann.ts';
import { judgeQueryMetric } from '../src/core/canary/judge-query.ts';
import { mannWhitney } from '../src/core/canary/mann-whitney.ts';
import { parseConfig } from '../src/core/config/index.ts';
import { fixedClock } from '../src/ports/clock.ts';
import { type SeriesSpec, startPrometheus } from '../test/support/prometheus.ts';

const ROUNDS = 7;
const PODS = 10;
const END = Date.parse('2024-01-01T10:30:00Z') / 1000;
const FIRST = END - 35 * 60;

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function series(metrics: number): SeriesSpec[] {
  const out: SeriesSpec[] = [];
  const rand = random(7);
  for (let k = 0; k < metrics; k++) {
    for (const track of ['canary', 'stable']) {
      for (let pod = 0; pod < PODS; pod++) {
        const samples: [number, number][] = [];
        for (let t = FIRST; t <= END; t += 15) samples.push([t, Number((100 + 20 * rand()).toFixed(3))]);
        out.push({
          family: `bench_metric_${k}`,
          type: 'gauge',
          labels: { app: 'web', track, pod: `p${pod}` },
          samples,
        });
      }
    }
  }
  return out;
}

function configFor(metrics: number, url: string) {
  const list = Array.from(
    { length: metrics },
    (_, k) => `    - name: m${k}\n      query: avg(bench_metric_${k}{SELECTOR})\n      direction: either\n`,
  ).join('');
  const yaml = `version: 1
canary:
  prometheus: ${url}
  window: 30m
  step: 15s
  selectors: { canary: { app: "{app}", track: canary }, baseline: { app: "{app}", track: stable } }
  metrics:
${list}`;
  return parseConfig({ file: 'bench.yml', content: yaml });
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

async function time(task: () => unknown): Promise<number> {
  const start = performance.now();
  await task();
  return performance.now() - start;
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

/**
 * A TCP proxy in front of Prometheus that holds every chunk of every answer for `delayMs`, as
 * a Prometheus across a network (or a busier one) would: order is kept, CPU cost is nil.
 */
async function latencyProxy(target: string, delayMs: number) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk) => setTimeout(() => client.writable && client.write(chunk), delayMs));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Mode {
  label: string;
  url: string;
  rounds: number;
}

/** CPU milliseconds Prometheus (pid) has used so far, from /proc (Linux). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function benchAnalysis(
  mode: Mode,
  prometheusPid: number,
  concurrency: number | undefined,
): Promise<void> {
  const prometheus = new PrometheusMetrics({ url: mode.url });
  const clock = fixedClock(new Date(END * 1000));
  console.log(`\nanalysis, ${mode.label}`);
  console.log(
    '   M  queries  wall (median)  slowest single  ratio  sequential sum  CPU/analysis (mean): gantry  Prometheus',
  );
  for (const m of [1, 5, 20]) {
    const config = configFor(m, mode.url);
    const run = () =>
      analyze({
        metrics: prometheus,
        config,
        app: 'web',
        environment: 'bench',
        clock,
        ...(concurrency ? { concurrency } : {}),
      });
    const first = await run();
    if (first.metrics.some((r) => r.samples.canary !== 121)) throw new Error('unexpected sample count');
    const queries = first.metrics.flatMap((r) => [...r.queries.canary, ...r.queries.baseline]);
    const range = { start: new Date((END - 1800) * 1000), end: new Date(END * 1000), stepSeconds: 15 };
    const walls: number[] = [];
    const slowest: number[] = [];
    const sums: number[] = [];
    const ownCpu: number[] = [];
    const serverCpu: number[] = [];
    for (let round = 0; round < mode.rounds; round++) {
      const singles: number[] = [];
      for (const query of queries) singles.push(await time(() => prometheus.queryRange({ ...range, query })));
      slowest.push(Math.max(...singles));
      sums.push(singles.reduce((a, b) => a + b, 0));
      const cpu = process.cpuUsage();
      const server = processCpuMs(prometheusPid);
      walls.push(await time(run));
      const used = process.cpuUsage(cpu);
      ownCpu.push((used.user + used.system) / 1000);
      serverCpu.push(processCpuMs(prometheusPid) - server);
    }
    const wall = median(walls);
    const single = median(slowest);
    console.log(
      `  ${String(m).padStart(2)}  ${String(queries.length).padStart(7)}  ${ms(wall).padStart(13)}  ${ms(single).padStart(14)}  ${(wall / single).toFixed(2).padStart(4)}×  ${ms(median(sums)).padStart(14)}  ${ms(mean(ownCpu)).padStart(27)}  ${ms(mean(serverCpu)).padStart(10)}`,
    );
  }
}

async function benchStatistics(): Promise<void> {
  const n = 10_000;
  const rand = random(11);
  const x = Array.from({ length: n }, () => Number((0.24 + 0.05 * rand()).toFixed(4)));
  const y = Array.from({ length: n }, () => Number((0.2 + 0.05 * rand()).toFixed(4)));
  const start = 1_704_103_200;
  const points = (values: number[]) => values.map((v, i): [number, number] => [start + 15 * i, v]);
  const window = { start, end: start + 15 * (n - 1), stepSeconds: 15 };
  const metric = { name: 'bench', query: 'x{SELECTOR}', direction: 'increase' as const, critical: false };
  const settings = { window, confidence: 0.98, minSamples: 10, maxMissing: 0.25 };
  const context = { queries: { canary: [], baseline: [] }, graphUrl: '' };
  const data = {
    canary: { series: [{ labels: {}, samples: points(x) }] },
    baseline: { series: [{ labels: {}, samples: points(y) }] },
  };
  const tasks = {
    'sort 20,000 values once (baseline)': () => Float64Array.from([...x, ...y]).sort(),
    'Mann-Whitney U': () => mannWhitney(x, y, 'greater'),
    'Hodges-Lehmann + interval': () => hodgesLehmann(x, y, 0.98),
    'whole query-metric judgement': () => judgeQueryMetric(metric, data, settings, context),
  };
  const results: Record<string, number> = {};
  for (const [name, task] of Object.entries(tasks)) {
    task();
    const runs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) runs.push(await time(task));
    results[name] = median(runs);
  }
  const baseline = results['sort 20,000 values once (baseline)']!;
  console.log(`statistics: ${n.toLocaleString('en')} points per side (ties: values rounded to 4 decimals)`);
  for (const [name, value] of Object.entries(results)) {
    console.log(
      `  ${name.padEnd(36)} ${ms(value).padStart(10)}   ${(value / baseline).toFixed(1).padStart(6)}× the sort`,
    );
  }
}

const concurrency = process.env.BENCH_CONCURRENCY ? Number(process.env.BENCH_CONCURRENCY) : undefined;
console.log(
  `canary analysis benchmark: 30m window at 15s step (121 points per side), ${PODS} series per side averaged, ` +
    `parallel queries ${concurrency ?? 'canary.parallelQueries (default 48)'}; medians; target: wall ≤ 1.5× the slowest single query_range`,
);
const prometheus = await startPrometheus(series(20));
try {
  await benchAnalysis(
    {
      label: 'direct: loopback Prometheus, which shares the 2 cores with gantry',
      url: prometheus.url,
      rounds: 7,
    },
    prometheus.pid,
    concurrency,
  );
  for (const delay of [50, 150]) {
    const proxy = await latencyProxy(prometheus.url, delay);
    try {
      const label = `through a proxy holding each answer ${delay} ms (a Prometheus across a network)`;
      await benchAnalysis(
        { label, url: proxy.url, rounds: delay > 100 ? 3 : 5 },
        prometheus.pid,
        concurrency,
      );
    } finally {
      await proxy.close();
    }
  }
} finally {
  await prometheus.stop();
}
console.log('');
await benchStatistics();
