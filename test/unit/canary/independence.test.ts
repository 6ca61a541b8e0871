import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dependenceSpanSeconds,
  independentSteps,
  thinningFactor,
  thinPoints,
} from '../../../src/core/canary/independence.ts';
import { judgeQueryMetric } from '../../../src/core/canary/judge-query.ts';
import type { Point, QueryOutcome } from '../../../src/core/canary/types.ts';

describe('dependence between steps', () => {
  it('reads the longest range a query evaluation covers, subqueries included', () => {
    expect(dependenceSpanSeconds('max(x{a="b"})')).toBe(0);
    expect(dependenceSpanSeconds('sum(rate(x[1m])) / sum(rate(y[2m]))')).toBe(120);
    expect(dependenceSpanSeconds('max_over_time(rate(x[1m])[5m:30s])')).toBe(360);
    expect(dependenceSpanSeconds('histogram_quantile(0.99, sum by (le) (rate(h_bucket[90s])))')).toBe(90);
    expect(dependenceSpanSeconds('sum(increase(x[1m] offset 5m))')).toBe(60);
  });

  it('keeps one step in ⌈range / step⌉, counted back from the last step', () => {
    expect(thinningFactor(60, 15)).toBe(4);
    expect(thinningFactor(60, 60)).toBe(1);
    expect(thinningFactor(60, 45)).toBe(2);
    expect(thinningFactor(0, 15)).toBe(1);
    expect(thinningFactor(undefined, 15)).toBe(1);
    const window = { start: 1000, end: 1000 + 1800, stepSeconds: 15 };
    const points: Point[] = Array.from({ length: 121 }, (_, i) => [1000 + 15 * i, i]);
    const kept = thinPoints(points, window, 4);
    expect(kept).toHaveLength(31);
    expect(kept.at(-1)).toEqual([2800, 120]);
    expect(kept[0]).toEqual([1000, 0]);
    expect(independentSteps(window, 4)).toBe(31);
  });

  it('thinned steps are always at least the span apart (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 2, max: 400 }),
        (step, span, steps) => {
          const window = { start: 0, end: step * (steps - 1), stepSeconds: step };
          const points: Point[] = Array.from({ length: steps }, (_, i) => [i * step, i]);
          const every = thinningFactor(span, step);
          const kept = thinPoints(points, window, every);
          for (let i = 1; i < kept.length; i++)
            expect(kept[i]![0] - kept[i - 1]![0]).toBeGreaterThanOrEqual(span);
          expect(kept.length).toBe(independentSteps(window, every));
        },
      ),
    );
  });

  it('a query metric tests the independent steps only and says so', () => {
    const start = 1_704_103_200;
    const window = { start, end: start + 1800, stepSeconds: 15 };
    // A smooth wave: each step alone would look like many agreeing samples.
    const wave = (phase: number): QueryOutcome => ({
      series: [
        {
          labels: {},
          samples: Array.from(
            { length: 121 },
            (_, i): Point => [start + 15 * i, 1 + 0.01 * Math.sin(i / 3 + phase)],
          ),
        },
      ],
    });
    const settings = { window, confidence: 0.98, minSamples: 10, maxMissing: 0.25 };
    const context = { queries: { canary: [], baseline: [] }, graphUrl: '' };
    const metric = { name: 'latency', query: 'x{SELECTOR}', direction: 'increase' as const, critical: false };
    const r = judgeQueryMetric(
      metric,
      { canary: wave(1), baseline: wave(0), independence: { every: 4, spanSeconds: 60 } },
      settings,
      context,
    );
    expect(r.samples).toEqual({ canary: 121, baseline: 121, expected: 121 });
    expect(r.independence).toEqual({
      every: 4,
      spanSeconds: 60,
      used: { canary: 31, baseline: 31 },
      possible: 31,
    });
    expect(r.points.canary).toHaveLength(121);
    const few = judgeQueryMetric(
      { ...metric, minSamples: 40 },
      { canary: wave(1), baseline: wave(0), independence: { every: 4, spanSeconds: 60 } },
      settings,
      context,
    );
    expect(few.verdict).toBe('inconclusive');
    expect(few.reason).toMatch(
      /^too few canary samples: 31 \(minimum 40\); one step in 4 is independent \(ranges of 1m overlap at step 15s\) \(canary median 1 over 31 independent steps \(121 of 121 steps have values\); baseline median/,
    );
  });
});
