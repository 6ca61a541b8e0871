/**
 * One webhook server for bench/serve.bench.ts, in its own process so its RSS is its own:
 *   node bench/serve-target.ts gantry   — `gantry serve` as deployed (GitHub App, no GitLab)
 *   node bench/serve-target.ts bare     — a bare Probot app with an empty push handler
 * Prints the port on stdout, then serves until killed.
 */
import { createServer } from 'node:http';
import { pino } from 'pino';
import { createNodeMiddleware, Probot } from 'probot';
import { createGantryServer } from '../src/entry/server/server.ts';

const [kind, appId, secret, keyFile] = process.argv.slice(2) as [string, string, string, string];
const privateKey = (await import('node:fs')).readFileSync(keyFile, 'utf8');
const log = pino({ level: 'warn' });
// Exit on SIGTERM through process.exit, so --cpu-prof and --heap-prof can write their files.
process.on('SIGTERM', () => process.exit(0));

if (kind === 'gantry') {
  const server = await createGantryServer(
    {
      port: 0,
      host: '127.0.0.1',
      github: { appId, privateKey, secret },
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
