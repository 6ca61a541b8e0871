import { code } from '../markdown.ts';

/** What one build produced, as the Action reports it. */
export interface BuildReport {
  /** The image with its primary tag. */
  image: string;
  /** Every reference built. */
  tags: string[];
  digest: string;
  labels: string[];
  pushed: boolean;
}

/**
 * The `metadata` output: one JSON document with everything later steps may want, in the
 * spirit of docker/metadata-action's `json` output (read it with `fromJSON(...)`).
 */
export function buildMetadata(report: BuildReport): string {
  const labels = Object.fromEntries(
    report.labels.map((label) => [label.slice(0, label.indexOf('=')), label.slice(label.indexOf('=') + 1)]),
  );
  return JSON.stringify({
    image: report.image,
    tags: report.tags,
    digest: report.digest,
    labels,
    pushed: report.pushed,
  });
}

/**
 * The job summary (GITHUB_STEP_SUMMARY). Every value is in a code span, so a branch name
 * cannot become Markdown or HTML. Kaniko reports no image size, so none is shown.
 */
export function stepSummary(report: BuildReport): string {
  const rows = [
    ['Image', code(report.image)],
    ['Digest', code(report.digest)],
    ['Pushed', report.pushed ? 'yes' : 'no (pull request or `push: false`)'],
    ['Tags', report.tags.map((tag) => code(tag)).join('<br>')],
  ];
  const labels = report.labels.map((label) => code(label)).join('<br>');
  if (labels) rows.push(['Labels', labels]);
  return [
    `### gantry build: ${code(report.image)}`,
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([name, value]) => `| ${name} | ${value!.replaceAll('|', '\\|')} |`),
    '',
  ].join('\n');
}
