import type { Series } from '../../ports/metrics.ts';

export type Verdict = 'pass' | 'fail' | 'inconclusive';
export type Direction = 'increase' | 'decrease' | 'either';

/** [unix seconds, value]. */
export type Point = [number, number];

/** The analysis window, in unix seconds; Prometheus evaluates at start, start + step, …, ≤ end. */
export interface Window {
  start: number;
  end: number;
  stepSeconds: number;
}

/** What one query returned: its series, or why there are none. */
export type QueryOutcome = { series: Series[] } | { error: string };

export interface MetricResult {
  name: string;
  kind: 'query' | 'ratio';
  critical: boolean;
  direction: Direction;
  verdict: Verdict;
  /** Why, in plain numbers: "+23.0% (CI +18.0%…+29.0%), allowed +10%". */
  reason: string;
  test: 'mann-whitney' | 'rate-ratio' | null;
  /** Median of the samples (query) or pooled rate Σ numerator / Σ denominator (ratio). */
  baseline: number | null;
  canary: number | null;
  /** Canary − baseline: Hodges-Lehmann shift (query) or difference of the pooled rates (ratio). */
  delta: number | null;
  /** Relative change: shift / |baseline median| (query) or rate ratio − 1 (ratio); null when undefined. */
  relative: number | null;
  /**
   * Two-sided confidence interval of the change: absolute shift bounds (query) and, where a
   * relative change is defined, the same as fractions (rate ratio − 1 for ratio metrics).
   */
  interval: {
    low: number | null;
    high: number | null;
    relativeLow: number | null;
    relativeHigh: number | null;
  } | null;
  /** p-value of "no change" against the bad direction (two-sided for `either`). */
  pValue: number | null;
  /** Tolerated relative change each way (0.1 = +10 %), from allowedIncrease / allowedDecrease. */
  allowed: { increase: number; decrease: number };
  /** Steps with a finite value on each side, and steps in the window. */
  samples: { canary: number; baseline: number; expected: number };
  /** Share of the window's steps without a finite value, per side. */
  missing: { canary: number; baseline: number };
  /**
   * Query metrics whose ranges overlap from step to step (range > step): the test used one
   * step in `every` (see independence.ts); `used` per side, `possible` the most a side can have.
   */
  independence?: {
    every: number;
    spanSeconds: number;
    used: { canary: number; baseline: number };
    possible: number;
  };
  /** Σ denominator per side (ratio metrics only). */
  traffic: { canary: number; baseline: number } | null;
  /** The resolved PromQL per side (one query, or numerator and denominator). */
  queries: { canary: string[]; baseline: string[] };
  /** The backend's graph page for both sides over the exact window. */
  graphUrl: string;
  /** Per-step values for charts (ratio metrics: numerator / denominator per step). */
  points: { canary: Point[]; baseline: Point[] };
}

/** One analysis of one app in one environment: what the CLI prints and the bot posts. */
export interface AnalysisResult {
  verdict: Verdict;
  /** One line: "1 of 3 metrics failed: p99-latency (critical)". */
  summary: string;
  /** A critical metric failed: a watch may stop and roll back without waiting for the window's end. */
  criticalFailure: boolean;
  app: string;
  environment: string;
  /** ISO 8601 times; the window Prometheus was asked about. */
  window: { start: string; end: string; seconds: number; stepSeconds: number };
  confidence: number;
  rollback: 'auto' | 'manual';
  metrics: MetricResult[];
}
