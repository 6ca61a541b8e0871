import { expandPath } from '../config/paths.ts';
import type { AppConfig, Artifact, GantryConfig } from '../config/schema.ts';
import { filesHash, formatVersion } from './artifact-state.ts';
import { allLocations } from './environments.ts';
import { readArtifact } from './updaters/index.ts';

export interface StatusCell {
  location: string;
  version?: string;
  /** An app of `file` artifacts only: a short hash of its files, and where they are the same. */
  file?: { hash: string; sameAs?: string };
  /** Why there is no version: file missing, value not found… */
  problem?: string;
}

export interface StatusMatrix {
  columns: string[];
  rows: Array<{ app: string; cells: StatusCell[] }>;
}

/** The artifact that names an app's version: its first kustomize-image, helm-value or image-ref. */
function versionArtifact(artifacts: readonly Artifact[]): Artifact | undefined {
  return artifacts.find((a) => a.kind !== 'file');
}

/** What status reads of an app: its version artifact, or every file of a file-only app. */
function shownArtifacts(app: AppConfig): Artifact[] {
  const versioned = versionArtifact(app.artifacts);
  return versioned ? [versioned] : [...app.artifacts];
}

export function statusFiles(config: GantryConfig): string[] {
  return Object.entries(config.apps ?? {}).flatMap(([app, settings]) =>
    shownArtifacts(settings).flatMap((artifact) =>
      allLocations(config).map((l) => expandPath(artifact.path, { env: l.name, app })),
    ),
  );
}

/** App × environment/target version matrix, from the files `statusFiles` lists. */
export function statusMatrix(config: GantryConfig, files: ReadonlyMap<string, string | null>): StatusMatrix {
  const locations = allLocations(config);
  const rows = Object.entries(config.apps ?? {}).map(([app, settings]) => {
    const artifact = versionArtifact(settings.artifacts);
    const cells = locations.map((location): StatusCell => {
      if (!artifact) return fileCell(app, settings, location.name, files);
      const path = expandPath(artifact.path, { env: location.name, app });
      const index = settings.artifacts.indexOf(artifact);
      const content = files.get(path);
      if (content === undefined || content === null)
        return { location: location.name, problem: notFound(path, app, index, location.name) };
      try {
        const state = readArtifact(artifact, path, content);
        return {
          location: location.name,
          version: state.kind === 'version' ? formatVersion(state.version) : 'file',
        };
      } catch (error) {
        return { location: location.name, problem: (error as Error).message };
      }
    });
    return { app, cells: settings.artifacts.some((a) => a.kind !== 'file') ? cells : withSameAs(cells) };
  });
  return { columns: locations.map((l) => l.name), rows };
}

function notFound(path: string, app: string, index: number, location: string): string {
  return `${path} not found (apps.${app}.artifacts[${index}] in ${location})`;
}

/** A file-only app at a location: one hash over all its files (path and content). */
function fileCell(
  app: string,
  settings: AppConfig,
  location: string,
  files: ReadonlyMap<string, string | null>,
): StatusCell {
  const parts: Array<{ template: string; content: string }> = [];
  for (const [index, artifact] of settings.artifacts.entries()) {
    const path = expandPath(artifact.path, { env: location, app });
    const content = files.get(path);
    if (content === undefined || content === null)
      return { location, problem: notFound(path, app, index, location) };
    parts.push({ template: artifact.path, content });
  }
  return { location, file: { hash: filesHash(parts) } };
}

/** Marks each file cell with the first location (in pipeline order) holding the same files. */
function withSameAs(cells: StatusCell[]): StatusCell[] {
  return cells.map((cell) => {
    if (!cell.file) return cell;
    const first = cells.find((c) => c.file?.hash === cell.file!.hash)!;
    return first === cell ? cell : { ...cell, file: { ...cell.file, sameAs: first.location } };
  });
}

/** What a cell shows: the version, `file 1a2b3c4d (= dev)`, or `(missing)`. */
export function cellText(cell: StatusCell): string {
  if (cell.version) return cell.version;
  if (cell.file) return `file ${cell.file.hash}${cell.file.sameAs ? ` (= ${cell.file.sameAs})` : ''}`;
  return `(${cell.problem ? 'missing' : '?'})`;
}

/** Whether any cell could not be read: `gantry status` then exits 1. */
export function hasProblems(matrix: StatusMatrix): boolean {
  return matrix.rows.some((r) => r.cells.some((c) => c.problem));
}

/** Plain-text table for terminals, with the environments frozen now (one line each). */
export function formatStatus(matrix: StatusMatrix, freezes: readonly string[] = []): string {
  const header = ['app', ...matrix.columns];
  const body = matrix.rows.map((row) => [row.app, ...row.cells.map(cellText)]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const problems = matrix.rows.flatMap((r) =>
    r.cells.filter((c) => c.problem).map((c) => `  ${r.app} @ ${c.location}: ${c.problem}`),
  );
  return [
    line(header),
    ...body.map(line),
    ...(freezes.length ? ['', 'frozen:', ...freezes.map((f) => `  ${f}`)] : []),
    ...(problems.length ? ['', 'problems:', ...problems] : []),
  ].join('\n');
}
