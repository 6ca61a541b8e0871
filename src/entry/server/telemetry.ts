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
  const accepted = new Counter({
    name: 'gantry_deliveries_accepted_total',
    help: 'Webhook deliveries accepted as jobs, by forge and event',
    labelNames: ['forge', 'event'] as const,
    registers: [registry],
  });
  const deliveryRetries = new Counter({
    name: 'gantry_delivery_retries_total',
    help: 'Delivery attempts that failed on something transient and were scheduled again, by reason (backoff, retry-after)',
    labelNames: ['forge', 'event', 'reason'] as const,
    registers: [registry],
  });
  const deliveryFailures = new Counter({
    name: 'gantry_delivery_failures_total',
    help: 'Deliveries that failed for good, by reason (permanent: not retryable; deadline: retries ran out of time)',
    labelNames: ['forge', 'event', 'reason'] as const,
    registers: [registry],
  });
  const sweeps = new Counter({
    name: 'gantry_orphan_branches_total',
    help: 'gantry/* branches the sweep found without a PR, by what it did (opened the PR, deleted the branch)',
    labelNames: ['forge', 'action'] as const,
    registers: [registry],
  });
  const releasesRefused = new Counter({
    name: 'gantry_releases_refused_total',
    help: "Releases refused because the releasing repository is not the app's apps.<app>.source",
    labelNames: ['forge'] as const,
    registers: [registry],
  });
  return {
    registry,
    releasesRefused,
    sweeps,
    deliveries,
    duration,
    forgeCalls,
    promotions,
    accepted,
    deliveryRetries,
    deliveryFailures,
  };
}

export type Telemetry = ReturnType<typeof createTelemetry>;

const TARGET = Symbol('forge');
const TELEMETRY = Symbol('telemetry');
type Wrapped = { [TARGET]: Forge; [TELEMETRY]: Telemetry };
/** One wrapper prototype per forge class, built once. */
const wrappers = new WeakMap<object, object>();

/**
 * The same forge, counting every call by method and outcome (`ok` or the error's code).
 * A plain object on a prototype built once per forge class, not a Proxy: one wrapper per
 * delivery, and V8 keeps a Proxy's target (the delivery's Octokit) alive across young-generation
 * collections, which doubled the server's heap under load (bench/serve.bench.ts).
 */
export function instrumentForge<F extends Forge>(forge: F, telemetry: Telemetry): F {
  const proto = Object.getPrototypeOf(forge) as object;
  let wrapper = wrappers.get(proto);
  if (!wrapper) {
    wrapper = buildWrapper(proto);
    wrappers.set(proto, wrapper);
  }
  const instrumented = Object.create(wrapper) as Wrapped & Record<string, unknown>;
  instrumented[TARGET] = forge;
  instrumented[TELEMETRY] = telemetry;
  // Own fields (`kind`) read as they are; methods defined on the instance are counted too.
  for (const [key, value] of Object.entries(forge)) {
    instrumented[key] = typeof value === 'function' ? counted(key, value as Method) : value;
  }
  return instrumented as unknown as F;
}

type Method = (...args: unknown[]) => unknown;

function counted(name: string, method: Method): Method {
  return async function (this: Wrapped, ...args: unknown[]) {
    const target = this[TARGET];
    const labels = { forge: target.kind, endpoint: name };
    try {
      const result = await method.apply(target, args);
      this[TELEMETRY].forgeCalls.inc({ ...labels, status: 'ok' });
      return result;
    } catch (error) {
      this[TELEMETRY].forgeCalls.inc({ ...labels, status: (error as { code?: string }).code ?? 'error' });
      throw error;
    }
  };
}

function buildWrapper(proto: object): object {
  const wrapper: Record<string, Method> = {};
  for (let p: object | null = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (name === 'constructor' || name in wrapper) continue;
      const value = Object.getOwnPropertyDescriptor(p, name)?.value;
      if (typeof value !== 'function') continue;
      // Methods run on the real instance: adapters keep private (#) state a wrapper cannot reach.
      wrapper[name] =
        name === 'compareUrl'
          ? function (this: Wrapped, ...args: unknown[]) {
              return (value as Method).apply(this[TARGET], args);
            }
          : counted(name, value as Method);
    }
  }
  return wrapper;
}
