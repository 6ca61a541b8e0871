import type { CommitStatus } from '../../ports/forge.ts';
import { hiddenMarker } from '../markdown.ts';
import { formatDuration } from './format.ts';
import { inlineText } from './markdown.ts';
import { GITHUB_COMMENT_LIMIT, renderReport } from './report.ts';
import { CANARY_STATUS_CONTEXT, canaryStatus } from './status.ts';
import type { AnalysisResult } from './types.ts';
import {
  combinedVerdict,
  formatWatchState,
  parseWatchState,
  type WatchOutcome,
  type WatchSchedule,
  type WatchState,
} from './watch.ts';

/** The one canary comment per PR/MR: found by this marker, updated in place. */
export const CANARY_MARKER = hiddenMarker('gantry:canary');
const WATCH_SECTION = hiddenMarker('gantry:canary-watch');
const NOW_SECTION = hiddenMarker('gantry:canary-now');
/** Each section's share of the comment, so the watch and an on-request analysis both fit. */
const SECTION_LIMIT = Math.floor((GITHUB_COMMENT_LIMIT - 1000) / 2);

/**
 * The comment's parts: the watch's report (progress, then the final one), the latest
 * analysis someone asked for with `/gantry canary`, and the watch state. Each writer
 * replaces its own part and keeps the others.
 */
export interface CanaryComment {
  watch?: string;
  now?: string;
  state?: WatchState;
}

export function renderCanaryComment(comment: CanaryComment): string {
  return [
    CANARY_MARKER,
    ...(comment.watch ? [WATCH_SECTION, comment.watch] : []),
    ...(comment.now ? [NOW_SECTION, comment.now] : []),
    ...(comment.state ? [formatWatchState(comment.state)] : []),
  ].join('\n');
}

export function readCanaryComment(body: string): CanaryComment {
  const stateAt = body.search(/<!-- gantry:canary-state:/);
  const end = stateAt < 0 ? body.length : stateAt;
  const section = (marker: string, other: string): string | undefined => {
    const at = body.indexOf(marker);
    if (at < 0 || at > end) return undefined;
    const next = body.indexOf(other, at);
    const stop = next > at && next < end ? next : end;
    return body.slice(at + marker.length, stop).trim() || undefined;
  };
  const watch = section(WATCH_SECTION, NOW_SECTION);
  const now = section(NOW_SECTION, WATCH_SECTION);
  const state = parseWatchState(body);
  return { ...(watch ? { watch } : {}), ...(now ? { now } : {}), ...(state ? { state } : {}) };
}

export interface WatchSectionModel {
  app: string;
  environment: string;
  sha: string;
  schedule: WatchSchedule;
  /** Analyses done so far (0 before the first). */
  step: number;
  results: readonly AnalysisResult[];
  /** Set when the watch is over. */
  outcome?: WatchOutcome;
  /** Why it ended early or could not judge. */
  reason?: string;
  /** Markdown lines saying what gantry did about the outcome (rollback PR, next promotion). */
  followUps?: readonly string[];
}

const ICON: Record<WatchOutcome, string> = { pass: '✅', fail: '❌', inconclusive: '⚠️', error: '⚠️' };
const WORD: Record<WatchOutcome, string> = {
  pass: 'passed',
  fail: 'failed',
  inconclusive: 'was inconclusive',
  error: 'stopped',
};

export function renderWatchSection(model: WatchSectionModel): string {
  const { schedule } = model;
  const subject = `${inlineText(model.app)} in ${inlineText(model.environment)}`;
  const every = `one analysis every ${formatDuration(schedule.stepSeconds)}`;
  const head = model.outcome
    ? [
        `## ${ICON[model.outcome]} Canary watch ${WORD[model.outcome]}: ${subject}`,
        '',
        `Final report: ${model.step} of ${schedule.steps} analyses (${every}) of ${model.sha.slice(0, 12)} from ${clock(schedule.start)} to ${clock(schedule.end)}.`,
      ]
    : [
        `## 🔭 Canary watch: ${subject} — ${model.step === 0 ? 'started' : `analysis ${model.step} of ${schedule.steps}`}`,
        '',
        `Watching merge ${model.sha.slice(0, 12)} from ${clock(schedule.start)} until ${clock(schedule.end)}, ${every}; \`${CANARY_STATUS_CONTEXT}\` stays pending until then. A critical metric that fails ends the watch early.`,
      ];
  const notes = [
    ...(model.reason ? [`**${inlineText(model.reason)}**`] : []),
    ...(model.followUps ?? []).map((line) => `- ${line}`),
  ];
  return [...head, ...(notes.length ? ['', ...notes] : []), '', reports(model.results)].join('\n').trim();
}

export function renderNowSection(model: {
  results: readonly AnalysisResult[];
  at: Date;
  /** There is a watch on this PR (which alone sets `gantry/canary`). */
  watched: boolean;
}): string {
  const note = model.watched ? ' Only the watch above sets `gantry/canary`; this analysis does not.' : '';
  return [
    `## Canary analysis on request (\`/gantry canary\`, ${clock(model.at.toISOString())})`,
    '',
    `Verdict: **${combinedVerdict(model.results)}**.${note}`,
    '',
    reports(model.results),
  ].join('\n');
}

/** `gantry/canary` while watching. */
export function pendingStatus(app: string, environment: string, schedule: WatchSchedule): CommitStatus {
  return {
    context: CANARY_STATUS_CONTEXT,
    state: 'pending',
    description: `watching ${app} in ${environment} until ${clock(schedule.end)} (${schedule.steps} analyses)`,
  };
}

/** `gantry/canary` when the watch is over: the verdict, or `error` with the reason. */
export function finalStatus(
  outcome: WatchOutcome,
  results: readonly AnalysisResult[],
  reason?: string,
): CommitStatus {
  if (outcome === 'error' || results.length === 0) {
    return cap({
      context: CANARY_STATUS_CONTEXT,
      state: 'error',
      description: `error: ${reason ?? 'no analysis'}`,
    });
  }
  if (results.length === 1) return canaryStatus(results[0]!);
  const state = outcome === 'pass' ? 'success' : outcome === 'fail' ? 'failure' : 'error';
  const parts = results.map((r) => `${r.environment}: ${r.verdict}`);
  return cap({ context: CANARY_STATUS_CONTEXT, state, description: `${outcome}: ${parts.join(', ')}` });
}

function cap(status: CommitStatus): CommitStatus {
  const text = status.description;
  return { ...status, description: text.length > 140 ? `${text.slice(0, 139)}…` : text };
}

function reports(results: readonly AnalysisResult[]): string {
  if (results.length === 0) return '';
  const share = Math.floor(SECTION_LIMIT / results.length) - 200;
  return results.map((r) => renderReport(r, { maxLength: share }).trim()).join('\n\n');
}

/** `2026-11-25 12:30 UTC` from an ISO time. */
function clock(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
