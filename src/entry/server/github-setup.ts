import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from 'pino';

type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/**
 * Probot's GitHub App registration flow (the pages at / and /probot that create the App from
 * app.yml and write its credentials to .env), served when no App credentials are set. Probot
 * does not export it, so it is loaded from the installed (pinned) package by file path.
 * gantry never opens a smee.io channel: expose the server at a public URL instead.
 */
export async function githubSetupHandler(options: {
  host: string;
  port: number;
  log: Logger;
}): Promise<Handler> {
  const probotMain = fileURLToPath(import.meta.resolve('probot'));
  const setupModule = pathToFileURL(join(dirname(probotMain), 'apps', 'setup.js')).href;
  const { setupAppFactory } = (await import(setupModule)) as {
    setupAppFactory: (options: object) => () => Promise<Handler>;
  };
  const noSmee = {
    createChannel: async () => {
      throw new Error('gantry does not use smee.io');
    },
  };
  return setupAppFactory({ host: options.host, port: options.port, log: options.log, SmeeClient: noSmee })();
}
