import { appLocationsOf, environments, locationsOf, predecessors } from '../promote/environments.ts';
import { didYouMean } from '../text/did-you-mean.ts';
import type { SemanticIssue } from './checks.ts';
import type { GantryConfig } from './schema.ts';

/**
 * Where apps live and where targets take their versions from: names that must exist, and a
 * target's `from` that must be a place a version reaches before it (or a sibling target).
 */
export function checkLayout(config: GantryConfig): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const envs = environments(config);
  const envNames = envs.map((e) => e.name);
  const places = [...new Set([...envNames, ...envs.flatMap((e) => locationsOf(e).map((l) => l.name))])];
  envs.forEach((env, i) => {
    if (env.via === 'commit' && env.canary !== undefined && env.canary !== false)
      issues.push({
        path: ['environments', i, 'via'],
        message:
          '"via: commit" lands without a PR, where the canary would report; use "via: auto-merge" or turn the canary off',
      });
    (env.targets ?? []).forEach((target, j) => {
      if (typeof target === 'string' || target.from === undefined) return;
      const path = ['environments', i, 'targets', j, 'from'];
      const source = envs.find(
        (e) => e.name === target.from || locationsOf(e).some((l) => l.name === target.from),
      );
      if (!source) {
        issues.push({
          path,
          message: `"${target.from}" is not an environment or target${didYouMean(target.from, places)}`,
        });
      } else if (target.from === target.name) {
        issues.push({ path, message: `target "${target.name}" cannot come from itself` });
      } else if (source !== env && !predecessors(config, env).includes(source)) {
        issues.push({
          path,
          message: `"${target.from}" (${source.name}) does not come before ${env.name}; name a target of ${
            predecessors(config, env)
              .map((e) => e.name)
              .join(', ') || 'an earlier environment'
          }, or one of ${env.name}'s own`,
        });
      }
    });
  });
  for (const [name, app] of Object.entries(config.apps ?? {})) {
    (app.environments ?? []).forEach((place, j) => {
      if (!places.includes(place) && !ownTarget(config, place))
        issues.push({
          path: ['apps', name, 'environments', j],
          message: `"${place}" is not an environment or target${didYouMean(place, places)}; expected one of: ${places.join(', ')}`,
        });
    });
    for (const env of Object.keys(app.targets ?? {})) {
      if (!envNames.includes(env))
        issues.push({
          path: ['apps', name, 'targets', env],
          message: `"${env}" is not an environment${didYouMean(env, envNames)}; expected one of: ${envNames.join(', ')}`,
        });
    }
  }
  return issues;
}

/** Whether two places of an app share a repository (then every path needs `{env}`). */
export function sharesFiles(config: GantryConfig, app: string): boolean {
  const settings = config.apps?.[app];
  const repos = environments(config).flatMap((e) => appLocationsOf(e, settings).map((l) => l.repo ?? ''));
  return new Set(repos).size < repos.length;
}

function ownTarget(config: GantryConfig, place: string): boolean {
  return Object.values(config.apps ?? {}).some((a) =>
    Object.values(a.targets ?? {}).some((names) => names.includes(place)),
  );
}
