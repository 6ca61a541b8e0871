import { describe, expect, it } from 'vitest';
import type { JudgeSettings } from '../../../src/core/canary/judge.ts';
import { judgeQueryMetric } from '../../../src/core/canary/judge-query.ts';
import { judgeRatioMetric } from '../../../src/core/canary/judge-ratio.ts';
import type { QueryOutcome } from '../../../src/core/canary/types.ts';
import { overallVerdict } from '../../../src/core/canary/verdict.ts';
import type { MetricConfig } from '../../../src/core/config/schema.ts';

const start = 1_704_103_200;
const settings: JudgeSettings = {
  window: { start, end: start + 1800, stepSeconds: 60 },
  confidence: 0.98,
  minSamples: 10,
  maxMissing: 0.25,
};
const context = { queries: { canary: ['q{c}'], baseline: ['q{b}'] }, graphUrl: 'http://prom/graph' };

function metric(fields: Partial<MetricConfig> = {}): MetricConfig {
  return { name: 'latency', query: 'x{SELECTOR}', direction: 'increase', critical: false, ...fields };
}

/** 31 per-minute values from f(i); `null` leaves the step out. */
function series(f: (i: number) => number | null): QueryOutcome {
  const samples: [number, number][] = [];
  for (let i = 0; i <= 30; i++) {
    const v = f(i);
    if (v !== null) samples.push([start + 60 * i, v]);
  }
  return { series: [{ labels: {}, samples }] };
}

// A deterministic wobble so that samples are not all tied: ±5 % around the level.
const wobble = (i: number) => 1 + 0.05 * Math.sin(i * 1.7);

describe('query metrics', () => {
  it('passes a canary like its baseline and reports the numbers', () => {
    const r = judgeQueryMetric(
      metric({ allowedIncrease: 1.1 }),
      { canary: series((i) => 0.2 * wobble(i + 3)), baseline: series((i) => 0.2 * wobble(i)) },
      settings,
      context,
    );
    expect(r.verdict).toBe('pass');
    expect(r.test).toBe('mann-whitney');
    expect(r.samples).toEqual({ canary: 31, baseline: 31, expected: 31 });
    expect(r.baseline).toBeCloseTo(0.2, 2);
    expect(Math.abs(r.relative!)).toBeLessThan(0.05);
    expect(r.reason).toMatch(/^[+-]?\d+\.\d% \(CI [+-]?\d+\.\d%…[+-]?\d+\.\d%\), within allowed \+10\.0%$/);
  });

  it('fails +20 % latency against an allowed +10 %, with the interval in the reason', () => {
    const r = judgeQueryMetric(
      metric({ allowedIncrease: 1.1 }),
      { canary: series((i) => 0.24 * wobble(i)), baseline: series((i) => 0.2 * wobble(i)) },
      settings,
      context,
    );
    expect(r.verdict).toBe('fail');
    expect(r.relative).toBeGreaterThan(0.15);
    expect(r.relative).toBeLessThan(0.25);
    expect(r.interval!.relativeLow).toBeGreaterThan(0.1);
    expect(r.pValue).toBeLessThan(0.001);
    expect(r.reason).toMatch(/^\+\d+\.\d% \(CI \+\d+\.\d%…\+\d+\.\d%\), allowed \+10\.0%$/);
  });

  it('ignores an increase when only a decrease is bad, and fails the decrease', () => {
    const data = { canary: series((i) => 240 * wobble(i)), baseline: series((i) => 200 * wobble(i)) };
    expect(judgeQueryMetric(metric({ direction: 'decrease' }), data, settings, context).verdict).toBe('pass');
    expect(judgeQueryMetric(metric({ direction: 'either' }), data, settings, context).verdict).toBe('fail');
    const lower = { canary: series((i) => 150 * wobble(i)), baseline: series((i) => 200 * wobble(i)) };
    const r = judgeQueryMetric(
      metric({ direction: 'decrease', allowedDecrease: 0.9 }),
      lower,
      settings,
      context,
    );
    expect(r.verdict).toBe('fail');
    expect(r.reason).toMatch(/allowed -10\.0%$/);
  });

  it('fails an absolute bound on the canary median even when the baseline is missing', () => {
    const r = judgeQueryMetric(
      metric({ max: 0.5 }),
      { canary: series(() => 0.7), baseline: { series: [] } },
      settings,
      context,
    );
    expect(r).toMatchObject({ verdict: 'fail', reason: 'canary median 0.7 is above the maximum 0.5' });
  });

  it('is inconclusive without baseline, with too few samples, with too much missing data, on errors', () => {
    const healthy = series((i) => wobble(i));
    const cases: [QueryOutcome, QueryOutcome, string][] = [
      [healthy, { series: [] }, 'no baseline data: the query returned no values in the window'],
      [{ series: [] }, healthy, 'no canary data: the query returned no values in the window'],
      [
        series((i) => (i % 4 === 0 ? Number.NaN : 1)),
        healthy,
        'canary data missing for 26% of the window (maximum 25%)',
      ],
      [
        healthy,
        { error: 'Prometheus did not answer within 1s' },
        'baseline query failed: Prometheus did not answer within 1s',
      ],
      [
        { series: [...(healthy as { series: [] }).series, ...(healthy as { series: [] }).series] },
        healthy,
        'canary query returned 2 series; aggregate it to one, e.g. sum(…) or max(…)',
      ],
    ];
    for (const [canary, baseline, reason] of cases) {
      const r = judgeQueryMetric(metric(), { canary, baseline }, settings, context);
      expect(r.verdict, reason).toBe('inconclusive');
      // The reason, then what was measured on each side.
      expect(r.reason.slice(0, reason.length), r.reason).toBe(reason);
    }
    const few = judgeQueryMetric(
      metric(),
      { canary: healthy, baseline: healthy },
      { ...settings, window: { start, end: start + 300, stepSeconds: 60 } },
      context,
    );
    expect(few.reason).toBe(
      'too few canary samples: 6 (minimum 10) (canary median 1.01 over 6 of 6 steps; baseline median 1.01 over 6 of 6 steps)',
    );
  });

  it('treats NaN gaps as missing steps and still decides on the rest', () => {
    const r = judgeQueryMetric(
      metric(),
      {
        canary: series((i) => (i % 5 === 2 ? Number.NaN : wobble(i))),
        baseline: series((i) => wobble(i + 1)),
      },
      settings,
      context,
    );
    expect(r.samples.canary).toBe(25);
    expect(r.missing.canary).toBeCloseTo(6 / 31, 10);
    expect(r.verdict).toBe('pass');
  });

  it('passes identical constant series (no change, all ties)', () => {
    const r = judgeQueryMetric(
      metric(),
      { canary: series(() => 0), baseline: series(() => 0) },
      settings,
      context,
    );
    expect(r).toMatchObject({ verdict: 'pass', delta: 0, relative: null, pValue: 1 });
    expect(r.reason).toBe('0 (CI 0…0) from a baseline median of 0, within allowed +0%');
  });
});

const ratio = (fields: Partial<MetricConfig> = {}) =>
  metric({
    name: 'error-rate',
    query: undefined,
    ratio: { numerator: 'e', denominator: 'r', minTraffic: 100 },
    ...fields,
  });
const perMinute = (n: number | null) => series(() => n);

describe('ratio metrics', () => {
  it('fails an error spike with the counts in the reason', () => {
    const r = judgeRatioMetric(
      ratio({ max: 0.01 }),
      {
        canary: { numerator: perMinute(50), denominator: perMinute(1000) },
        baseline: { numerator: perMinute(5), denominator: perMinute(1000) },
        scale: 1,
      },
      settings,
      context,
    );
    expect(r.verdict).toBe('fail');
    expect(r.canary).toBeCloseTo(0.05, 12);
    expect(r.baseline).toBeCloseTo(0.005, 12);
    expect(r.relative).toBeCloseTo(9, 9);
    expect(r.traffic).toEqual({ canary: 31000, baseline: 31000 });
    expect(r.reason).toMatch(
      /^canary rate 0\.05 is above the maximum 0\.01; \+900% \(CI \+\d+%…\+\d+%\), allowed \+0% \(canary 1550\/31000, baseline 155\/31000\)$/,
    );
  });

  it('passes equal rates and counts a missing numerator series as zero events', () => {
    const r = judgeRatioMetric(
      ratio(),
      {
        canary: { numerator: { series: [] }, denominator: perMinute(1000) },
        baseline: { numerator: perMinute(1), denominator: perMinute(1000) },
        scale: 1,
      },
      settings,
      context,
    );
    expect(r.verdict).toBe('pass');
    expect(r.canary).toBe(0);
    expect(r.relative).toBe(-1);
  });

  it('is inconclusive without traffic and without denominator data', () => {
    const none = judgeRatioMetric(
      ratio(),
      {
        canary: { numerator: perMinute(0), denominator: perMinute(0) },
        baseline: { numerator: perMinute(1), denominator: perMinute(1000) },
        scale: 1,
      },
      settings,
      context,
    );
    expect(none).toMatchObject({
      verdict: 'inconclusive',
      reason:
        'too little canary traffic: 0 events in the denominator (minimum 100) (canary 0/0 over 31 of 31 steps; baseline 31/31000 over 31 of 31 steps)',
    });
    const absent = judgeRatioMetric(
      ratio(),
      {
        canary: { numerator: perMinute(1), denominator: perMinute(100) },
        baseline: { numerator: { series: [] }, denominator: { series: [] } },
        scale: 1,
      },
      settings,
      context,
    );
    expect(absent.reason).toBe(
      'no baseline data: the query returned no values in the window (canary 31/3100 over 31 of 31 steps; baseline: no counts)',
    );
    expect(absent.canary).toBeCloseTo(0.01, 12);
  });

  it('tests exact counts when given, and falls back to approximate per-step sums, saying so', () => {
    const data = {
      canary: { numerator: perMinute(1.3333), denominator: perMinute(133.333) },
      baseline: { numerator: perMinute(1.3333), denominator: perMinute(133.333) },
      scale: 1,
    };
    const exact = judgeRatioMetric(
      ratio(),
      {
        ...data,
        exact: { canary: { events: 30, exposure: 3000 }, baseline: { events: 31, exposure: 3000 } },
      },
      settings,
      context,
    );
    expect(exact.traffic).toEqual({ canary: 3000, baseline: 3000 });
    expect(exact.reason).toMatch(/\(canary 30\/3000, baseline 31\/3000\)$/);
    const lost = judgeRatioMetric(
      ratio(),
      {
        ...data,
        exact: {
          canary: { events: 30, exposure: 3000 },
          baseline: { error: 'count query failed: response too large' },
        },
      },
      settings,
      context,
    );
    expect(lost.verdict).toBe('pass');
    expect(lost.traffic!.canary).toBeCloseTo(31 * 133.333, 6);
    expect(lost.reason).toMatch(
      /\(canary ≈41\/≈4133, baseline ≈41\/≈4133\); exact counts unavailable \(count query failed: response too large\), per-step sums used$/,
    );
  });

  it('corrects overlapping ranges with the scale factor, so counts are not double-counted', () => {
    const data = {
      canary: { numerator: perMinute(4), denominator: perMinute(100) },
      baseline: { numerator: perMinute(2), denominator: perMinute(100) },
    };
    const whole = judgeRatioMetric(ratio(), { ...data, scale: 1 }, settings, context);
    const halved = judgeRatioMetric(ratio(), { ...data, scale: 0.5 }, settings, context);
    expect(whole.traffic).toEqual({ canary: 3100, baseline: 3100 });
    expect(halved.traffic).toEqual({ canary: 1550, baseline: 1550 });
    // Same rates, fewer counts: a wider interval.
    expect(halved.canary).toBe(whole.canary);
    expect(halved.interval!.relativeLow!).toBeLessThan(whole.interval!.relativeLow!);
  });

  it('passes when neither side had a bad event, and says the numerator may be wrong', () => {
    const r = judgeRatioMetric(
      ratio(),
      {
        canary: { numerator: { series: [] }, denominator: perMinute(100) },
        baseline: { numerator: { series: [] }, denominator: perMinute(100) },
        scale: 1,
      },
      settings,
      context,
    );
    expect(r.verdict).toBe('pass');
    expect(r.reason).toBe(
      'no events on either side (canary 0/3100, baseline 0/3100); the numerator query returned no series on either side, check it',
    );
  });
});

describe('overall verdict', () => {
  const m = (name: string, verdict: 'pass' | 'fail' | 'inconclusive', critical = false) =>
    ({ name, verdict, critical, reason: `${name} reason` }) as never;

  it('fails on any failure, flags critical ones, is inconclusive on missing verdicts, else passes', () => {
    expect(overallVerdict([m('a', 'pass'), m('b', 'fail', true), m('c', 'inconclusive')])).toEqual({
      verdict: 'fail',
      criticalFailure: true,
      summary: '1 of 3 metrics failed: b (critical)',
    });
    expect(overallVerdict([m('a', 'pass'), m('c', 'inconclusive')])).toMatchObject({
      verdict: 'inconclusive',
      summary: '1 of 2 metrics could not be judged: c (c reason)',
    });
    expect(overallVerdict([m('a', 'pass'), m('b', 'pass')])).toEqual({
      verdict: 'pass',
      criticalFailure: false,
      summary: 'all 2 metrics passed',
    });
    expect(overallVerdict([]).verdict).toBe('inconclusive');
  });
});
