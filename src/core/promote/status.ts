import { expandPath } from '../config/paths.ts';
import type { AppConfig, Artifact, GantryConfig } from '../config/schema.ts';
import { filesHash, formatVersion } from './artifact-state.ts';
import { appLocationsOf, environments, type Location } from './environments.ts';
import { fileKey, showKey } from './file-key.ts';
import { baseFiles, basePaths, readArtifact } from './updaters/index.ts';

export interface StatusCell {
  location: string;
  version?: string;
  /** The base file the version is inherited from (layered Helm values), when not the location's own file. */
  origin?: string;
  /** An app of `file` artifacts only: a short hash of its files, and where they are the same. */
  file?: { hash: string; sameAs?: string };
  /** Why there is no version: file missing, value not found… */
  problem?: string;
  /** The app does not live here (`apps.<app>.environments` / `targets`). */
  absent?: true;
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

/**
 * The columns: every environment's targets, with the targets only some apps have (their own
 * `targets:`) after their environment's, in configuration order.
 */
function columns(config: GantryConfig): Location[] {
  const apps = Object.values(config.apps ?? {});
  const seen = new Set<string>();
  return environments(config).flatMap((env) =>
    [undefined, ...apps]
      .flatMap((app) => appLocationsOf(env, app))
      .filter((l) => {
        const fresh = !seen.has(l.name);
        seen.add(l.name);
        return fresh;
      }),
  );
}

/** Where an app lives, by location name. */
function placesOf(config: GantryConfig, app: string): Map<string, Location> {
  const settings = config.apps?.[app];
  return new Map(
    environments(config).flatMap((env) => appLocationsOf(env, settings).map((l) => [l.name, l])),
  );
}

/** The files the matrix reads, as `fileKey`s (an environment may live in its own repository). */
export function statusFiles(config: GantryConfig): string[] {
  return Object.entries(config.apps ?? {}).flatMap(([app, settings]) =>
    shownArtifacts(settings).flatMap((artifact) =>
      [...placesOf(config, app).values()].flatMap((l) => {
        const values = { env: l.name, app };
        return [expandPath(artifact.path, values), ...basePaths(artifact, values)].map((p) =>
          fileKey(l.repo, p),
        );
      }),
    ),
  );
}

/** App × environment/target version matrix, from the files `statusFiles` lists. */
export function statusMatrix(config: GantryConfig, files: ReadonlyMap<string, string | null>): StatusMatrix {
  const locations = columns(config);
  const rows = Object.entries(config.apps ?? {}).map(([app, settings]) => {
    const artifact = versionArtifact(settings.artifacts);
    const places = placesOf(config, app);
    const cells = locations.map((column): StatusCell => {
      const location = places.get(column.name);
      if (!location) return { location: column.name, absent: true };
      if (!artifact) return fileCell(app, settings, location, files);
      const key = fileKey(location.repo, expandPath(artifact.path, { env: location.name, app }));
      const path = showKey(key);
      const index = settings.artifacts.indexOf(artifact);
      const content = files.get(key);
      if (content === undefined || content === null)
        return { location: location.name, problem: notFound(path, app, index, location.name) };
      try {
        const bases = baseFiles(artifact, { env: location.name, app }, files, location.repo);
        const state = readArtifact(artifact, path, content, bases);
        return {
          location: location.name,
          version: state.kind === 'version' ? formatVersion(state.version) : 'file',
          ...(state.kind === 'version' && state.origin ? { origin: state.origin } : {}),
        };
      } catch (error) {
        return { location: location.name, problem: (error as Error).message };
      }
    });
    return { app, cells: artifact ? cells : withSameAs(cells) };
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
  location: Location,
  files: ReadonlyMap<string, string | null>,
): StatusCell {
  const parts: Array<{ template: string; content: string }> = [];
  for (const [index, artifact] of settings.artifacts.entries()) {
    const key = fileKey(location.repo, expandPath(artifact.path, { env: location.name, app }));
    const content = files.get(key);
    if (content === undefined || content === null)
      return { location: location.name, problem: notFound(showKey(key), app, index, location.name) };
    parts.push({ template: artifact.path, content });
  }
  return { location: location.name, file: { hash: filesHash(parts) } };
}

/** Marks each file cell with the first location (in pipeline order) holding the same files. */
function withSameAs(cells: StatusCell[]): StatusCell[] {
  return cells.map((cell) => {
    if (!cell.file) return cell;
    const first = cells.find((c) => c.file?.hash === cell.file!.hash)!;
    return first === cell ? cell : { ...cell, file: { ...cell.file, sameAs: first.location } };
  });
}

/** What a cell shows: the version (`0.4.1 (values.yaml)` when inherited), `file 1a2b3c4d (= dev)`, `—` or `(missing)`. */
export function cellText(cell: StatusCell): string {
  if (cell.version) return cell.origin ? `${cell.version} (${cell.origin.split('/').pop()})` : cell.version;
  if (cell.file) return `file ${cell.file.hash}${cell.file.sameAs ? ` (= ${cell.file.sameAs})` : ''}`;
  if (cell.absent) return '—';
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
