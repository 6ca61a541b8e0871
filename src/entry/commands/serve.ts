import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { Io } from '../output.ts';
import { createGantryServer } from '../server/server.ts';
import { readSettings } from '../server/settings.ts';

export function registerServe(program: Command, _io: Io, _exit: (code: number) => void): void {
  program
    .command('serve')
    .description(
      'run the bot: GitHub App and GitLab webhooks, /healthz, /readyz, /metrics (settings from the environment)',
    )
    .option('--port <port>', 'port to listen on (default: $PORT or 3000)')
    .action(async (options: { port?: string }) => {
      // Probot's registration flow writes the new App's credentials to .env; read them back.
      if (existsSync('.env')) process.loadEnvFile('.env');
      const settings = readSettings({ ...process.env, ...(options.port ? { PORT: options.port } : {}) });
      const server = await createGantryServer(settings);
      await server.start();
      // Runs until a signal: stop accepting (503), finish deliveries in flight, then exit.
      await new Promise<void>((resolve) => {
        const stop = () => {
          server.stop().then(resolve, resolve);
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      // Probot's Redis client for shared throttling has no close: do not let it hold the exit.
      setTimeout(() => process.exit(), 2000).unref();
    });
}
