import { describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../../../src/core/canary/types.ts';
import {
  combinedVerdict,
  formatWatchState,
  parseWatchState,
  planWatch,
  stepDue,
  type WatchState,
} from '../../../src/core/canary/watch.ts';
import {
  CANARY_MARKER,
  finalStatus,
  pendingStatus,
  readCanaryComment,
  renderCanaryComment,
  renderWatchSection,
} from '../../../src/core/canary/watch-report.ts';

const START = new Date('2026-11-25T12:00:00Z');

function result(
  environment: string,
  verdict: AnalysisResult['verdict'],
  summary = `${verdict} summary`,
): AnalysisResult {
  return {
    verdict,
    summary,
    criticalFailure: false,
    app: 'web',
    environment,
    window: {
      start: '2026-11-25T12:00:00.000Z',
      end: '2026-11-25T12:10:00.000Z',
      seconds: 600,
      stepSeconds: 120,
    },
    confidence: 0.98,
    rollback: 'manual',
    metrics: [],
  };
}

describe('watch schedule', () => {
  it('has one analysis per step until the window has passed; the last is due at its end', () => {
    const even = planWatch(START, 600, 120);
    expect(even).toEqual({
      start: '2026-11-25T12:00:00.000Z',
      end: '2026-11-25T12:10:00.000Z',
      stepSeconds: 120,
      steps: 5,
    });
    expect([1, 2, 5].map((k) => stepDue(even, k).toISOString().slice(11, 16))).toEqual([
      '12:02',
      '12:04',
      '12:10',
    ]);
    const uneven = planWatch(START, 600, 180);
    expect(uneven.steps).toBe(4);
    expect(stepDue(uneven, 4).toISOString()).toBe(uneven.end);
    expect(() => planWatch(START, 60, 120)).toThrow(RangeError);
    expect(() => planWatch(START, 0, 0)).toThrow(RangeError);
  });

  it('combines targets: any fail fails, then any inconclusive, and nothing is never a pass', () => {
    const v = (...verdicts: AnalysisResult['verdict'][]) =>
      combinedVerdict(verdicts.map((verdict) => ({ verdict })));
    expect(v('pass', 'pass')).toBe('pass');
    expect(v('pass', 'inconclusive')).toBe('inconclusive');
    expect(v('inconclusive', 'fail', 'pass')).toBe('fail');
    expect(v()).toBe('inconclusive');
  });
});

describe('watch state in the comment', () => {
  const state: WatchState = {
    v: 1,
    sha: 'a'.repeat(40),
    schedule: planWatch(START, 600, 120),
    step: 3,
    pendingOn: ['a'.repeat(40), 'b'.repeat(40)],
    final: { outcome: 'fail', at: '2026-11-25T12:06:00.000Z' },
  };

  it('round-trips through a hidden marker that survives any text around it', () => {
    const marker = formatWatchState(state);
    expect(marker).toMatch(/^<!-- gantry:canary-state:[A-Za-z0-9_-]+ -->$/);
    expect(parseWatchState(`text\n${marker}\nmore`)).toEqual(state);
  });

  it('reads nothing from a missing, garbled or foreign marker', () => {
    expect(parseWatchState('no marker')).toBeUndefined();
    expect(parseWatchState('<!-- gantry:canary-state:!!! -->')).toBeUndefined();
    expect(parseWatchState('<!-- gantry:canary-state:bm90IGpzb24 -->')).toBeUndefined();
    const other = formatWatchState({ ...state, v: 2 } as unknown as WatchState);
    expect(parseWatchState(other)).toBeUndefined();
    const noSchedule = formatWatchState({ ...state, schedule: undefined } as unknown as WatchState);
    expect(parseWatchState(noSchedule)).toBeUndefined();
  });

  it('keeps the watch section, the on-request section and the state apart', () => {
    const body = renderCanaryComment({ watch: 'watch text', now: 'now text', state });
    expect(body.startsWith(`${CANARY_MARKER}\n`)).toBe(true);
    expect(readCanaryComment(body)).toEqual({ watch: 'watch text', now: 'now text', state });
    const { now: _, ...withoutNow } = readCanaryComment(body);
    const replaced = renderCanaryComment({ ...withoutNow, watch: 'final text' });
    expect(readCanaryComment(replaced)).toEqual({ watch: 'final text', state });
    expect(readCanaryComment(renderCanaryComment({ now: 'only now' }))).toEqual({ now: 'only now' });
    expect(readCanaryComment('')).toEqual({});
  });

  it('cannot be steered by text in a report: reasons are escaped', () => {
    const watch = renderWatchSection({
      app: 'web',
      environment: 'staging',
      sha: 'a'.repeat(40),
      schedule: state.schedule,
      step: 5,
      results: [],
      outcome: 'error',
      reason: `Prometheus said ${formatWatchState({ ...state, final: { outcome: 'pass', at: '' } })}`,
    });
    const body = renderCanaryComment({ watch, state: { ...state, final: undefined } });
    expect(parseWatchState(body)?.final).toBeUndefined();
    expect(readCanaryComment(body).watch).toContain('&lt;\\!-- gantry:canary-state');
  });
});

describe('gantry/canary statuses of a watch', () => {
  it('is pending with the end time, then says the verdict per target, within 140 characters', () => {
    expect(pendingStatus('web', 'staging', planWatch(START, 600, 120))).toEqual({
      context: 'gantry/canary',
      state: 'pending',
      description: 'watching web in staging until 2026-11-25 12:10 UTC (5 analyses)',
    });
    expect(finalStatus('pass', [result('staging', 'pass', 'all 2 metrics passed')])).toMatchObject({
      state: 'success',
      description: 'pass: all 2 metrics passed',
    });
    expect(finalStatus('fail', [result('prod/eu', 'pass'), result('prod/us', 'fail')])).toMatchObject({
      state: 'failure',
      description: 'fail: prod/eu: pass, prod/us: fail',
    });
    expect(finalStatus('inconclusive', [result('a', 'pass'), result('b', 'inconclusive')]).state).toBe(
      'error',
    );
    const error = finalStatus('error', [], 'x'.repeat(300));
    expect(error.state).toBe('error');
    expect(error.description).toHaveLength(140);
  });
});
