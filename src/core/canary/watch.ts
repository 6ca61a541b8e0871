import type { AnalysisResult, Verdict } from './types.ts';

/**
 * A canary watch: one analysis every `stepSeconds` from the merge until `window` has passed.
 * Analysis k (1…steps) runs at start + k·step (the last at `end`) over [start, that time].
 */
export interface WatchSchedule {
  /** ISO 8601: the merge, and the end of the window. */
  start: string;
  end: string;
  stepSeconds: number;
  steps: number;
}

export function planWatch(start: Date, windowSeconds: number, stepSeconds: number): WatchSchedule {
  if (!(windowSeconds > 0 && stepSeconds > 0 && stepSeconds <= windowSeconds)) {
    throw new RangeError(`a watch needs 0 < step (${stepSeconds}s) ≤ window (${windowSeconds}s)`);
  }
  return {
    start: start.toISOString(),
    end: new Date(start.getTime() + windowSeconds * 1000).toISOString(),
    stepSeconds,
    steps: Math.ceil(windowSeconds / stepSeconds),
  };
}

/** When analysis `step` (1-based) is due. */
export function stepDue(schedule: WatchSchedule, step: number): Date {
  const at = Date.parse(schedule.start) + step * schedule.stepSeconds * 1000;
  return new Date(Math.min(at, Date.parse(schedule.end)));
}

/** What the watch state says when it is over: a verdict, or `error` when it could not judge. */
export type WatchOutcome = Verdict | 'error';

/**
 * Several targets (prod/eu-west, prod/us-east) analysed at once: any fail fails, then any
 * inconclusive makes it inconclusive; only all passing passes. No result is never a pass.
 */
export function combinedVerdict(results: readonly Pick<AnalysisResult, 'verdict'>[]): Verdict {
  if (results.length === 0) return 'inconclusive';
  if (results.some((r) => r.verdict === 'fail')) return 'fail';
  if (results.some((r) => r.verdict === 'inconclusive')) return 'inconclusive';
  return 'pass';
}

/**
 * What a watch has done, kept in its sticky comment (the only place it is kept: a restarted
 * process, or another replica, reads it back). `step` is the last analysis reported.
 */
export interface WatchState {
  v: 1;
  /** The merge commit watched: a state for another commit is not this watch's. */
  sha: string;
  schedule: WatchSchedule;
  step: number;
  /** Commits `gantry/canary` was set to pending on (merge commit, next promotion PR heads). */
  pendingOn: string[];
  final?: { outcome: WatchOutcome; at: string };
}

const STATE = 'gantry:canary-state';

export function formatWatchState(state: WatchState): string {
  return `<!-- ${STATE}:${toBase64Url(JSON.stringify(state))} -->`;
}

/** The state in a comment body, or undefined when there is none or it is not well-formed. */
export function parseWatchState(body: string): WatchState | undefined {
  const match = new RegExp(`<!-- ${STATE}:([A-Za-z0-9_-]+) -->`).exec(body);
  if (!match) return undefined;
  try {
    const value = JSON.parse(fromBase64Url(match[1]!)) as Partial<WatchState>;
    const wellFormed =
      value.v === 1 &&
      typeof value.sha === 'string' &&
      Number.isInteger(value.step) &&
      typeof value.schedule?.start === 'string' &&
      typeof value.schedule.end === 'string' &&
      Number.isInteger(value.schedule.steps) &&
      typeof value.schedule.stepSeconds === 'number' &&
      Array.isArray(value.pendingOn) &&
      value.pendingOn.every((s) => typeof s === 'string') &&
      (value.final === undefined || typeof value.final.outcome === 'string');
    return wellFormed ? (value as WatchState) : undefined;
  } catch {
    return undefined;
  }
}

function toBase64Url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}
