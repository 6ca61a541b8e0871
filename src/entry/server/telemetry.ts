import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Forge } from '../../ports/forge.ts';

/** The server's Prometheus metrics, on a registry of its own (several servers in one test process). */
export function createTelemetry() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const deliveries = new Counter({
    name: 'gantry_webhook_deliveries_total',
    help: 'Webhook deliveries by forge, event and outcome',
    labelNames: ['forge', 'event', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gantry_handler_duration_seconds',
    help: 'Time to handle one delivery',
    labelNames: ['forge', 'event'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const forgeCalls = new Counter({
    name: 'gantry_forge_calls_total',
    help: 'Forge calls by forge, endpoint (port method) and status',
    labelNames: ['forge', 'endpoint', 'status'] as const,
    registers: [registry],
  });
  const promotions = new Counter({
    name: 'gantry_promotions_total',
    help: 'Promotion PRs by action (created, updated, unchanged)',
    labelNames: ['action'] as const,
    registers: [registry],
  });
  const releasesRefused = new Counter({
    name: 'gantry_releases_refused_total',
    help: "Releases refused because the releasing repository is not the app's apps.<app>.source",
    labelNames: ['forge'] as const,
    registers: [registry],
  });
  return { registry, deliveries, duration, forgeCalls, promotions, releasesRefused };
}

export type Telemetry = ReturnType<typeof createTelemetry>;

/** The same forge, counting every call by method and outcome (`ok` or the error's code). */
export function instrumentForge<F extends Forge>(forge: F, telemetry: Telemetry): F {
  return new Proxy(forge, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'constructor') return value;
      // Methods run on the real instance: adapters keep private (#) state a proxy cannot reach.
      if (property === 'compareUrl') return value.bind(target);
      return async (...args: unknown[]) => {
        const labels = { forge: target.kind, endpoint: String(property) };
        try {
          const result = await value.apply(target, args);
          telemetry.forgeCalls.inc({ ...labels, status: 'ok' });
          return result;
        } catch (error) {
          telemetry.forgeCalls.inc({ ...labels, status: (error as { code?: string }).code ?? 'error' });
          throw error;
        }
      };
    },
  });
}
