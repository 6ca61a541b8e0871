/**
 * Webhook throughput (`npm run bench:serve`): signed `push` deliveries per second and p99
 * latency through `gantry serve`, against a bare Probot app with an empty handler, with the
 * same load tool (autocannon), the same payload and the same connections, in the same run;
 * then each server's resident memory after the deliveries.
 *
 * The delivery is GitHub's own push example for a default-branch push that changes only a
 * README: gantry verifies, parses, normalises and runs its use cases, which decide without a
 * forge call that nothing is to be done — the per-delivery cost of the bot itself.
 */
import { spawn } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const DELIVERIES = Number(process.env.DELIVERIES ?? 10_000);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 10);
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

async function measure(kind: 'gantry' | 'bare') {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, 'serve-target.ts'), kind, '1', secret, keyFile],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<string>((resolve) =>
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())),
  );
  const load = (amount: number) =>
    autocannon({
      url: `http://127.0.0.1:${port}/api/github/webhooks`,
      method: 'POST',
      connections: CONNECTIONS,
      amount,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': 'bench',
        'x-hub-signature-256': signature,
      },
      body,
    });
  // Warm-up first (JIT, lazy module loading), so both servers are measured in steady state.
  await load(WARMUP);
  const started = performance.now();
  const result = await load(DELIVERIES);
  const seconds = (performance.now() - started) / 1000;
  const rss =
    Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  child.kill('SIGTERM');
  const ok = result['2xx'];
  if (ok !== DELIVERIES)
    throw new Error(
      `${kind}: ${ok} of ${DELIVERIES} deliveries answered 2xx (errors ${result.errors}, non2xx ${result.non2xx})`,
    );
  // Deliveries over wall time: autocannon's per-second samples are too coarse for a 2–4 s run.
  return { perSecond: result.requests.total / seconds, p99: result.latency.p99, rss };
}

const gantry = await measure('gantry');
const bare = await measure('bare');
const line = (name: string, m: typeof gantry) =>
  `${name}: ${m.perSecond.toFixed(0)} deliveries/s, p99 ${m.p99.toFixed(1)} ms, RSS ${m.rss.toFixed(0)} MiB after ${WARMUP + DELIVERIES} deliveries`;
console.log(line('gantry serve', gantry));
console.log(line('bare Probot app', bare));
console.log(
  `ratio gantry/bare: throughput ${(gantry.perSecond / bare.perSecond).toFixed(2)}×, p99 ${(gantry.p99 / bare.p99).toFixed(2)}×, RSS ${(gantry.rss / bare.rss).toFixed(2)}×`,
);
