/**
 * Writes examples/canary/sample-series.om: what Prometheus would have scraped from the example
 * shop between 09:55 and 10:30 UTC on 2024-01-01, for two apps with a canary (track=canary)
 * beside their baseline (track=stable). `web`'s canary is as good as its baseline; the
 * `checkout` canary answers 5xx ten times as often. Deterministic: run it again, same file.
 *   node scripts/demo/sample-series.ts
 */
import { writeFileSync } from 'node:fs';
import { openMetrics, type SeriesSpec } from '../../test/support/prometheus.ts';

const FIRST = Date.parse('2024-01-01T09:55:00Z') / 1000;
const END = Date.parse('2024-01-01T10:30:00Z') / 1000;

/** Deterministic noise in [-1, 1) (mulberry32). */
function noise(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

interface Side {
  app: string;
  track: 'canary' | 'stable';
  /** p95 latency in seconds, requests and 5xx per minute. */
  latency: number;
  requests: number;
  errors: number;
}

function series(side: Side, seed: number): SeriesSpec[] {
  const rand = noise(seed);
  const labels = { app: side.app, track: side.track, namespace: 'shop' };
  const times: number[] = [];
  for (let t = FIRST; t <= END; t += 30) times.push(t);
  const counter = (perMinute: number) =>
    times.map((t, i): [number, number] => [t, Math.round((i * perMinute) / 2)]);
  return [
    {
      family: 'http_request_duration_p95_seconds',
      type: 'gauge',
      labels,
      samples: times.map((t) => [t, Number((side.latency * (1 + 0.08 * rand())).toFixed(6))]),
    },
    {
      family: 'http_requests',
      type: 'counter',
      labels: { ...labels, code: '200' },
      samples: counter(side.requests - side.errors),
    },
    {
      family: 'http_requests',
      type: 'counter',
      labels: { ...labels, code: '503' },
      samples: counter(side.errors),
    },
  ];
}

const sides: Side[] = [
  { app: 'web', track: 'stable', latency: 0.18, requests: 2400, errors: 6 },
  { app: 'web', track: 'canary', latency: 0.18, requests: 600, errors: 1.5 },
  { app: 'checkout', track: 'stable', latency: 0.25, requests: 1600, errors: 4 },
  { app: 'checkout', track: 'canary', latency: 0.26, requests: 400, errors: 10 },
];

// Families must be contiguous in OpenMetrics: openMetrics() groups them.
const text = openMetrics(sides.flatMap((side, i) => series(side, 7 + i)));
writeFileSync(new URL('../../examples/canary/sample-series.om', import.meta.url), text);
