import { expandPath } from '../config/paths.ts';
import type { GantryConfig } from '../config/schema.ts';
import { UsageError } from '../errors.ts';
import { planAppChange } from './app-plan.ts';
import { type ArtifactState, formatVersion, type Version } from './artifact-state.ts';
import { resolveDestination } from './environments.ts';
import type { PlanInputs, PromotionPlan } from './plan.ts';

export interface RollbackRequest {
  app: string;
  /** The environment, or the one target, the undone PR went into (branch and title). */
  destination: string;
  /** Per target: the version it goes back to (the `from` of the undone PR's metadata). */
  targets: ReadonlyArray<{ target: string; version: Version }>;
  /** The PR whose merge this undoes. */
  of: { number: number; url?: string };
  /** Why, in one line, for the PR text. */
  reason: string;
}

/** Files a rollback reads: the destination files of the app's versioned artifacts. */
export function rollbackFiles(config: GantryConfig, request: RollbackRequest): string[] {
  const { app, locations } = resolve(config, request);
  return locations.flatMap((l) =>
    app.artifacts
      .filter((a) => a.kind !== 'file')
      .map((a) => expandPath(a.path, { env: l.name, app: request.app })),
  );
}

/**
 * Plans putting each target back on the version it had before a merge: versioned artifacts
 * get that version (a downgrade, allowed); `file` artifacts stay as they are — their earlier
 * content is not in the metadata, so the PR says to revert them by hand if needed. Empty when
 * the targets already run those versions (the rollback was merged, or someone was faster).
 */
export function planRollback(
  config: GantryConfig,
  request: RollbackRequest,
  inputs: PlanInputs,
): PromotionPlan {
  const { app, env, locations } = resolve(config, request);
  const versions = new Map(request.targets.map((t) => [t.target, t.version]));
  const files = app.artifacts.some((a) => a.kind === 'file')
    ? [
        `Files promoted verbatim (${app.artifacts
          .filter((a) => a.kind === 'file')
          .map((a) => a.path)
          .join(', ')}) are not rolled back; revert #${request.of.number} for those if needed.`,
      ]
    : [];
  const promotion = planAppChange({
    verb: 'Roll back',
    name: request.app,
    app,
    environment: env.name,
    destination: request.destination,
    source: `before #${request.of.number}`,
    locations,
    sourceFor: (location) => {
      const version = versions.get(location.name)!;
      const states = app.artifacts.map((a): ArtifactState | undefined => {
        if (a.kind === 'file') return undefined;
        if (a.kind === 'helm-value')
          return { kind: 'version', version: { tag: version.tag ?? version.digest! } };
        return { kind: 'version', version };
      });
      return { name: `before #${request.of.number}`, states };
    },
    inputs,
    allowDowngrade: true,
    notes: [request.reason, ...files],
    rollbackOf: request.of,
  });
  const summary = promotion
    ? `roll back ${request.app} in ${request.destination} to ${request.targets.map((t) => `${t.target} ${formatVersion(t.version)}`).join(', ')}`
    : `nothing to roll back: ${request.destination} already runs the earlier versions`;
  return {
    environment: env.name,
    source: `before #${request.of.number}`,
    apps: promotion ? [promotion] : [],
    unchanged: promotion ? [] : [request.app],
    empty: !promotion,
    summary,
  };
}

function resolve(config: GantryConfig, request: RollbackRequest) {
  const app = config.apps?.[request.app];
  if (!app) throw new UsageError(`unknown app "${request.app}"`);
  const destination = resolveDestination(config, request.destination);
  const wanted = new Set(
    request.targets.filter((t) => t.version.tag || t.version.digest).map((t) => t.target),
  );
  const locations = destination.locations.filter((l) => wanted.has(l.name));
  if (locations.length === 0) {
    throw new UsageError(
      `nothing to roll back to in ${request.destination}: the PR does not say which version its targets had before`,
    );
  }
  return { app, env: destination.env, locations };
}
