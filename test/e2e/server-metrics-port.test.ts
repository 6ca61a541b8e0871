import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createGantryServer, type GantryServer } from '../../src/entry/server/server.ts';
import { readSettings } from '../../src/entry/server/settings.ts';

let server: GantryServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function start(env: Record<string, string>) {
  server = await createGantryServer(readSettings({ HOST: '127.0.0.1', PORT: '0', ...env }), {
    log: pino({ level: 'silent' }),
  });
  await server.start();
  return server;
}

describe('METRICS_PORT', () => {
  it('moves /metrics, /healthz and /readyz to an internal port; the public port keeps health only', async () => {
    const { url, metricsUrl } = await start({ METRICS_PORT: '0' });
    expect(metricsUrl).toBeDefined();
    expect(metricsUrl).not.toBe(url);
    const metrics = await fetch(`${metricsUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/# TYPE /);
    expect((await fetch(`${metricsUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${metricsUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // Nothing but these on the internal port: no webhooks, no registration.
    expect((await fetch(`${metricsUrl}/api/github/webhooks`, { method: 'POST', body: '{}' })).status).toBe(
      404,
    );
    expect((await fetch(`${metricsUrl}/probot`)).status).toBe(404);
  });

  it('serves everything on one port without it', async () => {
    const { url, metricsUrl } = await start({});
    expect(metricsUrl).toBeUndefined();
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
  });

  it('refuses a METRICS_PORT that is no port', () => {
    expect(() => readSettings({ METRICS_PORT: 'x' })).toThrow(/^METRICS_PORT: /);
  });
});
