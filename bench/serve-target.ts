/**
 * One webhook server for bench/serve.bench.ts, in its own process so its CPU time and RSS are
 * its own:
 *   node bench/serve-target.ts gantry   — `gantry serve` as deployed (GitHub App and GitLab)
 *   node bench/serve-target.ts bare     — a bare Probot app with an empty push handler
 * Prints the port on stdout, then serves until killed. Over IPC it answers `usage` with its
 * own process.cpuUsage() and RSS, read after pending work has run.
 */
import { createServer } from 'node:http';
import { pino } from 'pino';
import { createNodeMiddleware, Probot } from 'probot';

const [kind, appId, secret, keyFile] = process.argv.slice(2) as [string, string, string, string];
const privateKey = (await import('node:fs')).readFileSync(keyFile, 'utf8');
const log = pino({ level: 'warn' });
// Exit on SIGTERM through process.exit, so --cpu-prof and --heap-prof can write their files.
process.on('SIGTERM', () => process.exit(0));
process.on('message', (message) => {
  if (message !== 'usage') return;
  if (process.env.BENCH_GC) (globalThis as { gc?: () => void }).gc?.();
  // Two turns of the event loop: deliveries answered before their work finished settle first.
  setImmediate(() =>
    setImmediate(() =>
      process.send?.({
        cpu: process.cpuUsage(),
        rss: process.memoryUsage.rss(),
        memory: process.memoryUsage(),
      }),
    ),
  );
});

if (kind === 'gantry') {
  // Imported here: the bare app's memory must not include gantry's modules.
  const { createGantryServer } = await import('../src/entry/server/server.ts');
  const server = await createGantryServer(
    {
      port: 0,
      host: '127.0.0.1',
      github: { appId, privateKey, secret },
      // GitLab on, as a deployment serving both forges; the bench never lets it call out.
      gitlab: {
        url: 'http://127.0.0.1:9',
        token: 'bench',
        secrets: [{ prefix: '', secret: `${secret}-gitlab` }],
      },
      // The load comes from one address: the per-source rate limit is not what is measured.
      webhooks: {
        ratePerSecond: 1_000_000,
        burst: 1_000_000,
        failures: 1_000_000,
        bodies: 32,
        bodyBytes: 32 * 1024 * 1024,
        trustProxy: false,
      },
      botName: 'gantry',
      logLevel: 'warn',
    },
    { log },
  );
  await server.start();
  console.log(new URL(server.url).port);
} else {
  const probot = new Probot({ appId, privateKey, secret, log });
  const middleware = await createNodeMiddleware(
    (app) => {
      app.on('push', async () => {});
    },
    { probot, webhooksPath: '/api/github/webhooks' },
  );
  const server = createServer((req, res) => {
    middleware(req, res, () => res.writeHead(404).end());
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    console.log(typeof address === 'object' && address ? address.port : 0);
  });
}
