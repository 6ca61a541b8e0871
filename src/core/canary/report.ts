import {
  formatDuration,
  formatNumber,
  formatPercent,
  formatPValue,
  formatShare,
  formatSigned,
} from './format.ts';
import { formatCount } from './judge-ratio.ts';
import { codeBlock, inlineText, link } from './markdown.ts';
import { chartLegend, mermaidChart, worstMetric } from './report-chart.ts';
import type { AnalysisResult, MetricResult, Verdict } from './types.ts';

/** GitHub's limit for an issue or PR comment body (GitLab allows 1,000,000). */
export const GITHUB_COMMENT_LIMIT = 65_536;

const ICON: Record<Verdict, string> = { pass: '✅', fail: '❌', inconclusive: '⚠️' };

export interface ReportOptions {
  /** Characters the report may use; default GitHub's comment limit minus the marker. */
  maxLength?: number;
  /** A hidden first line (an HTML comment) the bot finds its sticky comment by. */
  marker?: string;
}

/**
 * The analysis as markdown for a PR/MR comment: verdict line, per-metric table, a Mermaid
 * chart of the worst metric, and the resolved queries with Prometheus links in <details>.
 * When the whole does not fit in `maxLength`, it sheds in this order: long queries are cut,
 * the query details go, the chart goes, then table rows — and says so.
 */
export function renderReport(result: AnalysisResult, options: ReportOptions = {}): string {
  const marker = options.marker ? `${options.marker}\n` : '';
  const limit = (options.maxLength ?? GITHUB_COMMENT_LIMIT) - marker.length;
  const head = header(result);
  const chart = chartSection(result);
  const attempts: (() => string[])[] = [
    () => [
      head,
      table(result.metrics, result.confidence),
      chart,
      details(result.metrics, Number.POSITIVE_INFINITY),
    ],
    () => [head, table(result.metrics, result.confidence), chart, details(result.metrics, 400)],
    () => [
      head,
      table(result.metrics, result.confidence),
      chart,
      omitted('The queries are left out: the report would be too long.'),
    ],
    () => [
      head,
      table(result.metrics, result.confidence),
      omitted('The chart and the queries are left out: the report would be too long.'),
    ],
  ];
  for (const attempt of attempts) {
    const text = join(attempt());
    if (text.length <= limit) return marker + text;
  }
  return marker + truncatedTable(result, head, limit);
}

function join(sections: string[]): string {
  return `${sections.filter((s) => s !== '').join('\n\n')}\n`;
}

function header(result: AnalysisResult): string {
  const start = result.window.start.slice(0, 19).replace('T', ' ');
  const end = result.window.end.slice(0, 19).replace('T', ' ');
  return [
    `### ${ICON[result.verdict]} Canary ${result.verdict}: ${inlineText(result.app)} in ${inlineText(result.environment)}`,
    '',
    `**${inlineText(result.summary)}**`,
    '',
    `Window ${start} → ${end} UTC (${formatDuration(result.window.seconds)}, step ${formatDuration(result.window.stepSeconds)}), ${formatShare(result.confidence)} confidence intervals.`,
    ...independenceNotes(result),
  ].join('\n');
}

/**
 * Metrics whose ranges overlap from one step to the next were tested on one step in k
 * (independence.ts): say so, or a reader counting the steps would find other numbers.
 */
function independenceNotes(result: AnalysisResult): string[] {
  const thinned = result.metrics.filter((m) => m.independence);
  if (thinned.length === 0) return [];
  const parts = thinned.map(
    (m) =>
      `${inlineText(m.name)} (ranges of ${formatDuration(m.independence!.spanSeconds)}: one step in ${m.independence!.every}, at most ${m.independence!.possible} samples)`,
  );
  return [
    '',
    `*Overlapping ranges make consecutive steps dependent, so these were tested on independent steps only: ${parts.join(', ')}.*`,
  ];
}

function table(metrics: readonly MetricResult[], confidence: number): string {
  return [tableHead(confidence), ...metrics.map(row)].join('\n');
}

function tableHead(confidence: number): string {
  return [
    `| metric | verdict | baseline | canary | change | ${formatShare(confidence)} interval | p-value | reason |`,
    '| --- | --- | ---: | ---: | ---: | --- | ---: | --- |',
  ].join('\n');
}

function row(m: MetricResult): string {
  const value = (v: number | null) =>
    v === null ? '—' : m.kind === 'ratio' ? formatPercent(v).replace(/^\+/, '') : formatNumber(v);
  const change =
    m.relative !== null ? formatPercent(m.relative) : m.delta !== null ? formatSigned(m.delta) : '—';
  const interval = !m.interval
    ? '—'
    : m.interval.relativeLow !== null && m.interval.relativeHigh !== null
      ? `${formatPercent(m.interval.relativeLow)}…${formatPercent(m.interval.relativeHigh)}`
      : m.interval.low !== null && m.interval.high !== null
        ? `${formatSigned(m.interval.low)}…${formatSigned(m.interval.high)}`
        : '—';
  const cells = [
    `${inlineText(m.name)}${m.critical ? ' (critical)' : ''}`,
    `${ICON[m.verdict]} ${m.verdict}`,
    value(m.baseline),
    value(m.canary),
    change,
    interval,
    m.pValue === null ? '—' : formatPValue(m.pValue),
    inlineText(m.reason),
  ];
  return `| ${cells.join(' | ')} |`;
}

function chartSection(result: AnalysisResult): string {
  const worst = worstMetric(result.metrics);
  if (!worst) return '';
  const window = {
    start: Date.parse(result.window.start) / 1000,
    end: Date.parse(result.window.end) / 1000,
    stepSeconds: result.window.stepSeconds,
  };
  const unit = worst.kind === 'ratio' ? ' (per-step ratio)' : '';
  return [
    `*${inlineText(worst.name)}${unit} over the window — ${chartLegend(worst)}; steps averaged into at most 48 points, gaps carry the previous value.*`,
    '',
    codeBlock(mermaidChart(worst, window), 'mermaid'),
  ].join('\n');
}

function details(metrics: readonly MetricResult[], maxQuery: number): string {
  const cut = (q: string) => (q.length > maxQuery ? `${q.slice(0, maxQuery)} …(cut)` : q);
  const blocks = metrics.map((m) => {
    const samples = `samples canary ${m.samples.canary}, baseline ${m.samples.baseline} of ${m.samples.expected} steps`;
    const traffic = m.traffic
      ? ` · traffic canary ${formatCount(m.traffic.canary, false)}, baseline ${formatCount(m.traffic.baseline, false)}`
      : '';
    const independent = m.independence
      ? ` · tested on ${m.independence.used.canary} and ${m.independence.used.baseline} independent steps (one in ${m.independence.every})`
      : '';
    return [
      `**${inlineText(m.name)}** · ${link('Prometheus graph', m.graphUrl)} · ${samples}${independent}${traffic}`,
      '',
      'canary:',
      codeBlock(queryText(m, 'canary', cut), 'promql'),
      'baseline:',
      codeBlock(queryText(m, 'baseline', cut), 'promql'),
      '',
    ].join('\n');
  });
  return ['<details><summary>Queries and Prometheus links</summary>', '', ...blocks, '</details>'].join('\n');
}

/** A ratio's two queries, each after a PromQL comment saying which it is. */
function queryText(m: MetricResult, side: 'canary' | 'baseline', cut: (q: string) => string): string {
  const queries = m.queries[side].map(cut);
  if (m.kind !== 'ratio') return queries.join('\n');
  return queries.map((q, i) => `# ${i === 0 ? 'numerator' : 'denominator'}\n${q}`).join('\n');
}

function omitted(note: string): string {
  return `*${note}*`;
}

/** Last resort: as many table rows as fit, failures and inconclusive ones first. */
function truncatedTable(result: AnalysisResult, head: string, limit: number): string {
  const order = { fail: 0, inconclusive: 1, pass: 2 } as const;
  const rows = [...result.metrics].sort((a, b) => order[a.verdict] - order[b.verdict]);
  const lines: string[] = [];
  const note = (left: number) =>
    omitted(
      `${left} more metric(s) are left out: the report would be too long; run \`gantry analyze --json\` for all.`,
    );
  let text = join([head, tableHead(result.confidence), note(rows.length)]);
  for (let i = 0; i < rows.length; i++) {
    const candidate = join([
      head,
      [tableHead(result.confidence), ...lines, row(rows[i]!)].join('\n'),
      note(rows.length - i - 1),
    ]);
    if (candidate.length > limit) break;
    lines.push(row(rows[i]!));
    text = candidate;
  }
  return text.length <= limit ? text : `${text.slice(0, limit - 2)}…\n`;
}
