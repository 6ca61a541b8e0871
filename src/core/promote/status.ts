import { expandPath } from '../config/paths.ts';
import type { Artifact, GantryConfig } from '../config/schema.ts';
import { formatVersion } from './artifact-state.ts';
import { appLocationsOf, environments, type Location } from './environments.ts';
import { fileKey, showKey } from './file-key.ts';
import { baseFiles, basePaths, readArtifact } from './updaters/index.ts';

export interface StatusCell {
  location: string;
  version?: string;
  /** The base file the version is inherited from (layered Helm values), when not the location's own file. */
  origin?: string;
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
  return Object.entries(config.apps ?? {}).flatMap(([app, settings]) => {
    const artifact = versionArtifact(settings.artifacts);
    if (!artifact) return [];
    return [...placesOf(config, app).values()].flatMap((l) => {
      const values = { env: l.name, app };
      return [expandPath(artifact.path, values), ...basePaths(artifact, values)].map((p) =>
        fileKey(l.repo, p),
      );
    });
  });
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
      if (!artifact) return { location: location.name, problem: 'no versioned artifact' };
      const path = showKey(fileKey(location.repo, expandPath(artifact.path, { env: location.name, app })));
      const content = files.get(
        fileKey(location.repo, expandPath(artifact.path, { env: location.name, app })),
      );
      if (content === undefined || content === null)
        return { location: location.name, problem: `${path} not found` };
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
    return { app, cells };
  });
  return { columns: locations.map((l) => l.name), rows };
}

/** Plain-text table for terminals. */
export function formatStatus(matrix: StatusMatrix): string {
  const header = ['app', ...matrix.columns];
  const body = matrix.rows.map((row) => [
    row.app,
    ...row.cells.map((c) =>
      c.version === undefined
        ? c.absent
          ? '—'
          : `(${c.problem ? 'missing' : '?'})`
        : c.origin
          ? `${c.version} (${c.origin.split('/').pop()})`
          : c.version,
    ),
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const problems = matrix.rows.flatMap((r) =>
    r.cells.filter((c) => c.problem).map((c) => `  ${r.app} @ ${c.location}: ${c.problem}`),
  );
  return [line(header), ...body.map(line), ...(problems.length ? ['', 'problems:', ...problems] : [])].join(
    '\n',
  );
}
