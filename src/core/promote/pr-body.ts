import { ValidationError } from '../errors.ts';
import { cell, code, hiddenMarker, link } from '../markdown.ts';
import { formatVersion, type Version } from './artifact-state.ts';

/** What a promotion PR holds, stored in its body so gantry needs no database to read it back. */
export interface PromotionMetadata {
  version: 1;
  /** A rollback (`/gantry rollback`) rather than a promotion or release. */
  kind?: 'rollback';
  app: string;
  /** The environment promoted into. */
  environment: string;
  /** Where the versions came from: an environment or one of its targets. */
  source: string;
  targets: Array<{
    target: string;
    from?: Version;
    to: Version;
    skipped: string[];
    /** An app of `file` artifacts only: short hashes of its files before and after (as `gantry status` shows). */
    files?: { from?: string; to: string };
  }>;
  /** The PR that brought the version into the source environment, when known. */
  lineage?: { number: number; url?: string };
  /** Set on a rollback PR: the PR whose merge it undoes. A rollback is never rolled back itself. */
  rollback?: { of: number };
  /** The repository holding .gantry.yml, on a PR in an environment's own repository. */
  home?: string;
}

export interface PromotionBodyModel {
  metadata: PromotionMetadata;
  /** App repository for compare links (`apps.<app>.source`), with a URL builder from the forge. */
  compare?: (from: string, to: string) => string;
  files: string[];
  notes: string[];
}

export const MAX_BODY_CHARS = 65_536;
const MARKER = 'gantry:promotion:v1';

export function renderPromotionBody(model: PromotionBodyModel): string {
  const { metadata } = model;
  const rows = metadata.targets.map((t) => {
    const from = t.files
      ? t.files.from
        ? `file ${t.files.from}`
        : 'new file'
      : t.from
        ? formatVersion(t.from)
        : '—';
    const to = t.files ? `file ${t.files.to}` : formatVersion(t.to);
    const changes =
      model.compare && t.from?.tag && t.to.tag ? link('compare', model.compare(t.from.tag, t.to.tag)) : '';
    return `| ${cell(metadata.app)} | ${cell(t.target)} | ${cell(from)} | ${cell(to)} | ${changes} |`;
  });
  const skipped = [...new Set(metadata.targets.flatMap((t) => t.skipped))];
  const head = [
    metadata.kind === 'rollback'
      ? `## Roll back ${code(metadata.app)} in **${cell(metadata.environment)}**`
      : `## Promote ${code(metadata.app)} to **${cell(metadata.environment)}**`,
    '',
    `From **${cell(metadata.source)}**${metadata.lineage ? `, where it arrived with ${metadata.lineage.url ? link(`#${metadata.lineage.number}`, metadata.lineage.url) : `#${metadata.lineage.number}`}` : ''}.`,
    '',
    '| App | Target | From | To | Changes |',
    '|---|---|---|---|---|',
  ];
  const notes = [
    '',
    ...(skipped.length ? [`Skipped versions: ${skipped.map(code).join(', ')}`, ''] : []),
    ...model.notes.map((n) => `> ${n.replace(/\r?\n/g, ' ')}`),
    ...(model.notes.length ? [''] : []),
  ];
  const files = model.files.map((f) => `- ${code(f)}`);
  const meta = hiddenMarker(MARKER, toBase64Url(JSON.stringify(metadata)));
  return fit({ head, rows, notes, files, meta });
}

/**
 * Assembles the body within the forge's limit: the file list is cut first, then table rows,
 * each with a line saying how much is not shown. The metadata block is never cut.
 */
function fit(parts: {
  head: string[];
  rows: string[];
  notes: string[];
  files: string[];
  meta: string;
}): string {
  const assemble = (rows: number, files: number) => {
    const rowNote =
      rows < parts.rows.length
        ? [
            `| … | ${parts.rows.length - rows} more row(s) not shown (body capped at ${MAX_BODY_CHARS} characters) | | | |`,
          ]
        : [];
    const fileNote =
      files < parts.files.length ? [`- … ${parts.files.length - files} more file(s) not shown`] : [];
    return [
      ...parts.head,
      ...parts.rows.slice(0, rows),
      ...rowNote,
      ...parts.notes,
      `<details><summary>Files (${parts.files.length})</summary>`,
      '',
      ...parts.files.slice(0, files),
      ...fileNote,
      '',
      '</details>',
      '',
      '_Opened by gantry. Merge to deploy; a newer version updates this PR in place._',
      '',
      parts.meta,
    ].join('\n');
  };
  let rows = parts.rows.length;
  let files = parts.files.length;
  let body = assemble(rows, files);
  while (body.length > MAX_BODY_CHARS && (files > 0 || rows > 0)) {
    if (files > 0) files = Math.floor(files * 0.8);
    else rows = Math.floor(rows * 0.8);
    body = assemble(rows, files);
  }
  if (body.length > MAX_BODY_CHARS) {
    throw new ValidationError(
      `a promotion of ${parts.rows.length} targets does not fit one PR body; promote fewer targets at once`,
    );
  }
  return body;
}

/** The hidden metadata line of a body written by `renderPromotionBody` (commits carry it too). */
export function promotionMarker(body: string): string | undefined {
  return new RegExp(`<!-- ${MARKER}:[A-Za-z0-9_-]+ -->`).exec(body)?.[0];
}

/** Reads back the metadata of a body written by `renderPromotionBody`; undefined if none. */
export function parsePromotionBody(body: string): PromotionMetadata | undefined {
  const match = new RegExp(`<!-- ${MARKER}:([A-Za-z0-9_-]+) -->`).exec(body);
  if (!match) return undefined;
  try {
    const value = JSON.parse(fromBase64Url(match[1]!)) as PromotionMetadata;
    return value.version === 1 && typeof value.app === 'string' && Array.isArray(value.targets)
      ? value
      : undefined;
  } catch {
    return undefined;
  }
}

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}
