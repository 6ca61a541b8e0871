/**
 * Per-delivery cost of `gantry serve` (`npm run bench:serve`), against a bare Probot app with an
 * empty handler, in the same run: signed `push` deliveries from the same load tool (autocannon),
 * the same payload and connections. Throughput on loopback is mostly the load tool's limit, so
 * the figures that matter are read from each server process itself (over IPC): CPU time
 * (user + system) per delivery and resident memory after the deliveries.
 *
 * The delivery is GitHub's own push example for a default-branch push that changes only a
 * README: gantry verifies, parses, normalises and runs its use cases, which decide without a
 * forge call that nothing is to be done — the per-delivery cost of the bot itself.
 *
 *   DELIVERIES=10000 CONNECTIONS=10   the measured load (after 3,000 warm-up deliveries)
 *   SOAK_SECONDS=600                  soak: gantry alone, deliveries for that long, RSS sampled
 *   FLOOD=1                           unauthenticated 4.9 MB bodies, 40 at a time: RSS before/after
 *   PROFILE=1                         children run with --cpu-prof (files in .tmp/profiles)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const DELIVERIES = Number(process.env.DELIVERIES ?? 10_000);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);
const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 0);
const WARMUP = 3_000;
const secret = 'bench-secret';
const keyFile = join(tmpdir(), `gantry-bench-key-${process.pid}.pem`);
writeFileSync(
  keyFile,
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey,
);

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as Array<{
  name: string;
  examples: Array<Record<string, any>>;
}>;
const payload = structuredClone(
  examples.find((e) => e.name === 'push')!.examples.find((p) => p.ref === 'refs/heads/master')!,
);
payload.commits = payload.commits.map((c: Record<string, unknown>) => ({
  ...c,
  added: [],
  removed: [],
  modified: ['README.md'],
}));
payload.installation = { id: 1 };
const body = JSON.stringify(payload);
const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

interface Target {
  child: ChildProcess;
  port: string;
  usage(): Promise<{ cpuMicros: number; rssMiB: number; heapMiB: number }>;
  stop(): void;
}

async function startTarget(kind: 'gantry' | 'bare'): Promise<Target> {
  const profile = process.env.PROFILE
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${join(import.meta.dirname, '..', '.tmp', 'profiles')}`,
        `--cpu-prof-name=${kind}.cpuprofile`,
      ]
    : [];
  if (profile.length) mkdirSync(join(import.meta.dirname, '..', '.tmp', 'profiles'), { recursive: true });
  const child = spawn(
    process.execPath,
    [...profile, join(import.meta.dirname, 'serve-target.ts'), kind, '1', secret, keyFile],
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
  );
  const port = await new Promise<string>((resolve) =>
    child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())),
  );
  return {
    child,
    port,
    usage: () =>
      new Promise((resolve) => {
        child.once('message', (m: { cpu: NodeJS.CpuUsage; rss: number; memory: NodeJS.MemoryUsage }) =>
          resolve({
            cpuMicros: m.cpu.user + m.cpu.system,
            rssMiB: m.rss / 1024 / 1024,
            heapMiB: m.memory.heapUsed / 1024 / 1024,
          }),
        );
        child.send('usage');
      }),
    stop: () => {
      child.kill('SIGTERM');
      // A server still chewing through a flood may not get to its SIGTERM handler soon.
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      child.disconnect();
    },
  };
}

function load(port: string, options: { amount?: number; duration?: number }) {
  return autocannon({
    url: `http://127.0.0.1:${port}/api/github/webhooks`,
    method: 'POST',
    connections: CONNECTIONS,
    ...options,
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': 'bench',
      'x-hub-signature-256': signature,
    },
    body,
  });
}

async function measure(kind: 'gantry' | 'bare') {
  const target = await startTarget(kind);
  // Warm-up first (JIT, lazy module loading), so both servers are measured in steady state.
  await load(target.port, { amount: WARMUP });
  const before = await target.usage();
  const started = performance.now();
  const result = await load(target.port, { amount: DELIVERIES });
  const seconds = (performance.now() - started) / 1000;
  const after = await target.usage();
  target.stop();
  const ok = result['2xx'];
  if (ok !== DELIVERIES)
    throw new Error(
      `${kind}: ${ok} of ${DELIVERIES} deliveries answered 2xx (errors ${result.errors}, non2xx ${result.non2xx})`,
    );
  return {
    perSecond: result.requests.total / seconds,
    p99: result.latency.p99,
    cpuMicros: (after.cpuMicros - before.cpuMicros) / DELIVERIES,
    rss: after.rssMiB,
  };
}

/** Unauthenticated 4.9 MB bodies, 40 at a time, `rounds` times: what a flood costs in memory. */
async function flood(kind: 'gantry' | 'bare', rounds = 5) {
  const target = await startTarget(kind);
  const before = await target.usage();
  const big = Buffer.alloc(4.9 * 1024 * 1024, 'x');
  const post = (path: string, headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: target.port,
          path,
          method: 'POST',
          agent: false,
          headers: { ...headers, 'content-length': String(big.length) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', () => resolve(0));
      req.end(big);
    });
  const statuses = new Map<number, number>();
  for (let round = 0; round < rounds; round++) {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        kind === 'gantry' && i % 2 === 0
          ? post('/api/gitlab/webhooks', {
              'content-type': 'application/json',
              'x-gitlab-event': 'Push Hook',
              'x-gitlab-token': 'wrong',
            })
          : post('/api/github/webhooks', {
              'content-type': 'application/json',
              'x-github-event': 'push',
              'x-github-delivery': 'flood',
              'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
            }),
      ),
    );
    for (const status of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  const after = await target.usage();
  target.stop();
  return { before: before.rssMiB, after: after.rssMiB, statuses: Object.fromEntries(statuses) };
}

async function soak(seconds: number, kind: 'gantry' | 'bare') {
  const target = await startTarget(kind);
  await load(target.port, { amount: WARMUP });
  const samples: number[] = [(await target.usage()).rssMiB];
  const heap: number[] = [(await target.usage()).heapMiB];
  const slice = Math.max(5, Math.round(seconds / 10));
  let delivered = 0;
  for (let elapsed = 0; elapsed < seconds; elapsed += slice) {
    const result = await load(target.port, { duration: Math.min(slice, seconds - elapsed) });
    delivered += result['2xx'];
    const usage = await target.usage();
    samples.push(usage.rssMiB);
    heap.push(usage.heapMiB);
  }
  target.stop();
  console.log(
    `soak: ${kind}, ${delivered} deliveries in ${seconds} s; RSS (MiB) every ${slice} s: ${samples.map((s) => s.toFixed(0)).join(' ')}; heap used${process.env.BENCH_GC ? ' after GC' : ''}: ${heap.map((s) => s.toFixed(0)).join(' ')}`,
  );
  const tail = samples.slice(Math.ceil(samples.length / 2));
  console.log(
    `ratio RSS last/after-warm-up: ${(samples.at(-1)! / samples[0]!).toFixed(2)}×; second half spread ${(Math.max(...tail) - Math.min(...tail)).toFixed(0)} MiB`,
  );
}

if (SOAK_SECONDS > 0) {
  // SOAK_KIND=bare soaks the bare Probot app instead, as the baseline; BENCH_GC=1 (with
  // NODE_OPTIONS=--expose-gc) reads the heap after a full collection.
  await soak(SOAK_SECONDS, process.env.SOAK_KIND === 'bare' ? 'bare' : 'gantry');
} else if (process.env.FLOOD) {
  const gantry = await flood('gantry');
  const bare = await flood('bare');
  const line = (name: string, m: typeof gantry) =>
    `${name}: RSS ${m.before.toFixed(0)} → ${m.after.toFixed(0)} MiB under 200 unauthenticated 4.9 MB bodies, 40 at a time (answers ${JSON.stringify(m.statuses)})`;
  console.log(line('gantry serve', gantry));
  console.log(line('bare Probot app', bare));
  console.log(
    `ratio gantry/bare RSS growth: ${((gantry.after - gantry.before) / Math.max(1, bare.after - bare.before)).toFixed(2)}×`,
  );
} else {
  const gantry = await measure('gantry');
  const bare = await measure('bare');
  const line = (name: string, m: typeof gantry) =>
    `${name}: ${m.cpuMicros.toFixed(0)} µs CPU per delivery, RSS ${m.rss.toFixed(0)} MiB after ${WARMUP + DELIVERIES} deliveries (${m.perSecond.toFixed(0)} deliveries/s, p99 ${m.p99.toFixed(1)} ms: the load tool's limit on loopback)`;
  console.log(line('gantry serve', gantry));
  console.log(line('bare Probot app', bare));
  console.log(
    `ratio gantry/bare: CPU per delivery ${(gantry.cpuMicros / bare.cpuMicros).toFixed(2)}×, RSS ${(gantry.rss / bare.rss).toFixed(2)}×, throughput ${(gantry.perSecond / bare.perSecond).toFixed(2)}×`,
  );
}
