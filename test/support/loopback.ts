import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';

export interface Loopback {
  url: string;
  close(): Promise<void>;
}

/** An HTTP server on a free loopback port, for processes the test starts. */
export async function serveLoopback(
  handle: (request: IncomingMessage, body: Buffer, response: ServerResponse) => Promise<void> | void,
): Promise<Loopback> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      Promise.resolve(handle(request, Buffer.concat(chunks), response)).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const HOP = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'content-encoding',
  'keep-alive',
]);

/**
 * Serves an in-process HTTP fake (an undici dispatcher such as FakeGitLab's MockAgent) on a
 * real loopback port, so that another process — `gantry serve` — can talk to it.
 */
export function bridgeTo(
  origin: string,
  dispatcher: Dispatcher,
  /** Sees each request first; may hold it (a hung forge) before it is forwarded. */
  before?: (request: IncomingMessage, body: Buffer) => Promise<void> | void,
) {
  return serveLoopback(async (request, body, response) => {
    await before?.(request, body);
    const headers = Object.fromEntries(
      Object.entries(request.headers).flatMap(([k, v]) =>
        HOP.has(k) || v === undefined ? [] : [[k, String(v)]],
      ),
    );
    const answer = await fetch(`${origin}${request.url}`, {
      method: request.method ?? 'GET',
      headers,
      ...(body.length ? { body } : {}),
      dispatcher,
    } as RequestInit);
    const out: Record<string, string> = {};
    answer.headers.forEach((value, key) => {
      if (!HOP.has(key)) out[key] = value;
    });
    response.writeHead(answer.status, out);
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
}
