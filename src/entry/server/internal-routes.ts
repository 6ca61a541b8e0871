import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { send } from './http.ts';
import type { Telemetry } from './telemetry.ts';

/**
 * /healthz (the process answers), /readyz (listening and accepting deliveries) and /metrics.
 * With METRICS_PORT the metrics are served on the internal port only: they tell anyone who
 * can reach the webhook port which repositories the bot works on.
 */
export function internalRoutes(telemetry: Telemetry, ready: () => boolean) {
  return async (path: string, response: ServerResponse, serve: { metrics: boolean }): Promise<boolean> => {
    if (path === '/healthz') send(response, 200, 'ok\n', 'text/plain');
    else if (path === '/readyz')
      ready()
        ? send(response, 200, 'ready\n', 'text/plain')
        : send(response, 503, 'not ready\n', 'text/plain');
    else if (path === '/metrics' && serve.metrics)
      send(response, 200, await telemetry.registry.metrics(), telemetry.registry.contentType);
    else return false;
    return true;
  };
}

/** Listens and resolves with `http://host:port` (IPv6 addresses bracketed). */
export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}
