import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { counterEvents, rawCounterQuery } from '../../../src/core/canary/counter-count.ts';
import { formatCount } from '../../../src/core/canary/judge-ratio.ts';

describe('exact counts from raw counter samples', () => {
  it('turns a counter increase or rate into its raw samples over the window and a lookback', () => {
    expect(rawCounterQuery('sum(increase(http_requests_total{code="500",app="a"}[1m]))', 1800)).toBe(
      'http_requests_total{code="500",app="a"}[2100s]',
    );
    expect(rawCounterQuery('sum by (pod) (rate(x{app="a"}[5m]))', 600)).toBe('x{app="a"}[900s]');
    expect(rawCounterQuery('increase(x{app="a"}[1m])', 60)).toBe('x{app="a"}[360s]');
    expect(rawCounterQuery('x{app="a"}', 60)).toBe('x{app="a"}[360s]');
    // Anything else keeps the per-step sums.
    for (const other of [
      'sum(increase(x{app="a"}[1m] offset 5m))',
      'max(increase(x{app="a"}[1m]))',
      'sum(increase(x{app="a"}[1m])) - sum(increase(y{app="a"}[1m]))',
      'sum(delta(x{app="a"}[1m]))',
      'sum(increase(x{app="a"}[1m])) * 2',
      'sum(rate(x{app="a"}[5m:1m]))',
    ]) {
      expect(rawCounterQuery(other, 600), other).toBeUndefined();
    }
  });

  it('counts increments in (start, end] from the last sample before the window, across resets', () => {
    const series = [
      {
        labels: { code: '200' },
        samples: [
          [90, 5],
          [100, 10],
          [115, 12],
          [130, 3], // reset: 3 events since
          [145, 7],
          [160, 100], // after the window
        ] as [number, number][],
      },
      // Born in the window: its first value is not counted (as in rate()).
      {
        labels: { code: '500' },
        samples: [
          [130, 4],
          [145, 6],
        ] as [number, number][],
      },
    ];
    expect(counterEvents(series, 100, 145)).toBe(2 + 3 + 4 + 2);
    expect(counterEvents([], 100, 145)).toBe(0);
  });

  it('equals the sum of the increments that happened in the window (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ step: fc.integer({ min: 0, max: 50 }), reset: fc.boolean() }), {
          minLength: 2,
          maxLength: 80,
        }),
        fc.integer({ min: 0, max: 79 }),
        (increments, startIndex) => {
          let value = 1000;
          const samples: [number, number][] = [];
          let expected = 0;
          const start = Math.min(startIndex, increments.length - 1) * 15;
          increments.forEach(({ step, reset }, i) => {
            // A reset is only visible as one when the counter falls (as for Prometheus).
            value = reset && i > 0 && step < value ? step : value + step;
            const t = i * 15;
            if (i > 0 && t > start) expected += step;
            samples.push([t, value]);
          });
          expect(counterEvents([{ labels: {}, samples }], start, increments.length * 15)).toBe(expected);
        },
      ),
    );
  });

  it('shows counts as integers, approximate ones with ≈', () => {
    expect(formatCount(33, true)).toBe('33');
    expect(formatCount(33.3333, false)).toBe('≈33');
    expect(formatCount(150.00000001, false)).toBe('150');
  });
});
