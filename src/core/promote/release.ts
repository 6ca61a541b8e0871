import { expandPath } from '../config/paths.ts';
import type { GantryConfig } from '../config/schema.ts';
import { UsageError } from '../errors.ts';
import { didYouMean } from '../text/did-you-mean.ts';
import { planAppChange } from './app-plan.ts';
import type { Version } from './artifact-state.ts';
import { appDestination, environments, resolveDestination } from './environments.ts';
import { fileKey } from './file-key.ts';
import type { PlanInputs, PromotionPlan } from './plan.ts';
import { basePaths } from './updaters/index.ts';

export interface ReleaseRequest {
  app: string;
  /** The built version: image tag and, when the build reported it, the digest. */
  version: Version;
  /** Where the git tag came from, for the PR text (e.g. `shop/web@v1.4.0`). */
  source: string;
  /** Destination; default: the first environment (the first one without `after`). */
  to?: string;
}

export function firstEnvironment(config: GantryConfig): string {
  const first = environments(config).find((e) => !e.after);
  if (!first) throw new UsageError('no environment without "after": nothing can receive a release');
  return first.name;
}

/** Files a release reads: the destination files of the app's versioned artifacts. */
export function releaseFiles(config: GantryConfig, request: ReleaseRequest): string[] {
  const { app, destination } = resolve(config, request);
  return appDestination(destination, app).flatMap((l) =>
    app.artifacts
      .filter((a) => a.kind !== 'file')
      .flatMap((a) => {
        // Base files too (layered values): a key inherited there is written into the env's file.
        const values = { env: l.name, app: request.app };
        return [expandPath(a.path, values), ...basePaths(a, values)].map((p) => fileKey(l.repo, p));
      }),
  );
}

/**
 * Plans putting a freshly built version into the first environment: every versioned artifact
 * of the app gets the tag (and digest); `file` artifacts are left alone (they move by promotion).
 */
export function planRelease(
  config: GantryConfig,
  request: ReleaseRequest,
  inputs: PlanInputs,
): PromotionPlan {
  const { app, destination } = resolve(config, request);
  const states = app.artifacts.map((a) => {
    if (a.kind === 'file') return undefined;
    if (a.kind === 'helm-value')
      return { kind: 'version' as const, version: { tag: request.version.tag ?? request.version.digest! } };
    return { kind: 'version' as const, version: request.version };
  });
  const locations = appDestination(destination, app);
  if (locations.length === 0)
    throw new UsageError(`${request.app} does not live in ${request.to ?? destination.env.name}`);
  // One PR per repository the first environment's targets live in.
  const promotions = [...new Set(locations.map((l) => l.repo))].flatMap((repo) => {
    const promotion = planAppChange({
      verb: 'Release',
      name: request.app,
      app,
      environment: destination.env.name,
      destination: request.to ?? destination.env.name,
      source: request.source,
      locations: locations.filter((l) => l.repo === repo),
      sourceFor: () => ({ name: request.source, states }),
      inputs,
      // Tags arrive out of order (deliveries race): an older tag never replaces a newer version.
      // Going back is a rollback (`/gantry rollback`), never a side effect of a late delivery.
      allowDowngrade: false,
      notes: [],
    });
    return promotion ? [repo ? { ...promotion, repo } : promotion] : [];
  });
  const where = request.to ?? destination.env.name;
  return {
    environment: destination.env.name,
    source: request.source,
    apps: promotions,
    unchanged: promotions.length ? [] : [request.app],
    empty: promotions.length === 0,
    summary: promotions.length
      ? `release ${request.app} to ${where}`
      : `nothing to release: ${where} already runs it`,
  };
}

function resolve(config: GantryConfig, request: ReleaseRequest) {
  const apps = config.apps ?? {};
  const app = apps[request.app];
  if (!app) {
    const names = Object.keys(apps);
    throw new UsageError(
      `unknown app "${request.app}"${didYouMean(request.app, names)}; expected one of: ${names.join(', ')}`,
    );
  }
  if (!request.version.tag && !request.version.digest)
    throw new UsageError('a release needs a tag or a digest');
  return { app, destination: resolveDestination(config, request.to ?? firstEnvironment(config)) };
}
