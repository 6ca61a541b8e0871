import { queryTemplateProblems } from '../canary/promql.ts';
import { findCycle } from '../graph.ts';
import { afterOf, targetNames } from '../promote/environments.ts';
import { didYouMean } from '../text/did-you-mean.ts';
import { canaryTimingErrors } from './canary-checks.ts';
import { checkLayout, sharesFiles } from './layout-checks.ts';
import { placeholderProblems, unsafePathReason } from './paths.ts';
import type { GantryConfig } from './schema.ts';

/** A problem found after the schema passed: relations between fields, not field shapes. */
export interface SemanticIssue {
  path: (string | number)[];
  message: string;
}

/** Cross-field rules the schema cannot express. Pure; returns every problem, not the first. */
export function checkConfig(config: GantryConfig): SemanticIssue[] {
  return [
    ...checkEnvironments(config),
    ...checkLayout(config),
    ...checkApps(config),
    ...checkBuild(config),
    ...checkCanary(config),
  ];
}

function checkEnvironments(config: GantryConfig): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const envs = config.environments ?? [];
  const names = envs.map((e) => e.name);
  duplicates(names).forEach((index) => {
    issues.push({
      path: ['environments', index, 'name'],
      message: `duplicate environment "${names[index]}"`,
    });
  });
  envs.forEach((env, i) => {
    const after = afterOf(env);
    const at = (j: number) =>
      Array.isArray(env.after) ? ['environments', i, 'after', j] : ['environments', i, 'after'];
    after.forEach((name, j) => {
      if (name === env.name) {
        issues.push({ path: at(j), message: `environment "${env.name}" cannot come after itself` });
      } else if (!names.includes(name)) {
        const known = names.filter((n) => n !== env.name);
        issues.push({
          path: at(j),
          message: `"${name}" is not an environment${didYouMean(name, known)}; expected one of: ${known.join(', ')}`,
        });
      }
    });
    duplicates(after).forEach((j) => {
      issues.push({ path: at(j), message: `"${after[j]}" is listed twice` });
    });
    if (env.from !== undefined && after.length < 2)
      issues.push({
        path: ['environments', i, 'from'],
        message: '"from" chooses between several "after" environments; this one has fewer than two',
      });
  });
  const cycle = findCycle(names, (n) => {
    const env = envs.find((e) => e.name === n);
    return env ? afterOf(env).filter((a) => a !== n) : [];
  });
  if (cycle) {
    const index = names.indexOf(cycle[0]!);
    issues.push({
      path: ['environments', index, 'after'],
      message: `environments form a cycle: ${[...cycle].reverse().join(' → ')}; one of them must have no "after"`,
    });
  }
  const targets = envs.flatMap((env, i) =>
    env.targets ? targetNames(env).map((t, j) => ({ t, path: ['environments', i, 'targets', j] })) : [],
  );
  const seen = new Set<string>([...names]);
  for (const { t, path } of targets) {
    if (seen.has(t))
      issues.push({
        path,
        message: `duplicate target "${t}" (targets and environment names must be unique)`,
      });
    seen.add(t);
  }
  envs.forEach((env, i) => {
    if (env.canary !== undefined && env.canary !== false && !config.canary) {
      issues.push({
        path: ['environments', i, 'canary'],
        message: 'canary is enabled here but there is no top-level "canary:" section',
      });
    }
  });
  if (config.apps && !config.environments) {
    issues.push({ path: ['apps'], message: '"apps" needs "environments" to promote between' });
  }
  return issues;
}

function checkApps(config: GantryConfig): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const apps = config.apps ?? {};
  const names = Object.keys(apps);
  for (const [name, app] of Object.entries(apps)) {
    (app.dependsOn ?? []).forEach((dep, j) => {
      const path = ['apps', name, 'dependsOn', j];
      if (dep === name) issues.push({ path, message: `app "${name}" cannot depend on itself` });
      else if (!names.includes(dep)) {
        issues.push({
          path,
          message: `"${dep}" is not an app${didYouMean(dep, names)}; expected one of: ${names.join(', ')}`,
        });
      }
    });
    (app.with ?? []).forEach((other, j) => {
      const path = ['apps', name, 'with', j];
      if (other === name) issues.push({ path, message: `app "${name}" is always promoted with itself` });
      else if (!names.includes(other)) {
        issues.push({
          path,
          message: `"${other}" is not an app${didYouMean(other, names)}; expected one of: ${names.join(', ')}`,
        });
      }
    });
    const seen = new Set<string>();
    app.artifacts.forEach((artifact, j) => {
      const path = ['apps', name, 'artifacts', j, 'path'];
      const unsafe = unsafePathReason(artifact.path);
      if (unsafe) issues.push({ path, message: `path "${artifact.path}" ${unsafe}` });
      for (const problem of placeholderProblems(artifact.path, sharesFiles(config, name)))
        issues.push({ path, message: problem });
      if (artifact.kind === 'helm-value' && artifact.base !== undefined) {
        const bases = typeof artifact.base === 'string' ? [artifact.base] : artifact.base;
        bases.forEach((base, k) => {
          const at = [
            'apps',
            name,
            'artifacts',
            j,
            'base',
            ...(typeof artifact.base === 'string' ? [] : [k]),
          ];
          const problem =
            unsafePathReason(base) ??
            placeholderProblems(base).find((p) => p.startsWith('unknown placeholder')) ??
            (base === artifact.path
              ? "is the artifact's own path; expected a file of lower precedence"
              : undefined);
          if (problem) issues.push({ path: at, message: `base "${base}" ${problem}` });
        });
        if (artifact.in !== undefined)
          issues.push({
            path: ['apps', name, 'artifacts', j, 'base'],
            message: 'base: and in: cannot be combined; base files are plain values files',
          });
      }
      const identity = JSON.stringify(artifact);
      if (seen.has(identity))
        issues.push({ path: ['apps', name, 'artifacts', j], message: 'duplicate artifact' });
      seen.add(identity);
    });
  }
  const cycle = findCycle(names, (n) => (apps[n]?.dependsOn ?? []).filter((d) => d !== n));
  if (cycle) {
    issues.push({
      path: ['apps', cycle[0]!, 'dependsOn'],
      message: `apps depend on each other in a cycle: ${cycle.join(' → ')}`,
    });
  }
  return issues;
}

function checkBuild(config: GantryConfig): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const images = config.build?.images ?? [];
  duplicates(images.map((i) => i.name)).forEach((index) => {
    issues.push({
      path: ['build', 'images', index, 'name'],
      message: `duplicate image "${images[index]!.name}"`,
    });
  });
  images.forEach((image, i) => {
    for (const field of ['context', 'dockerfile'] as const) {
      const unsafe = unsafePathReason(image[field]);
      if (unsafe)
        issues.push({ path: ['build', 'images', i, field], message: `path "${image[field]}" ${unsafe}` });
    }
  });
  return issues;
}

function checkCanary(config: GantryConfig): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const metrics = config.canary?.metrics ?? [];
  duplicates(metrics.map((m) => m.name)).forEach((index) => {
    issues.push({
      path: ['canary', 'metrics', index, 'name'],
      message: `duplicate metric "${metrics[index]!.name}"`,
    });
  });
  metrics.forEach((metric, i) => {
    const path = ['canary', 'metrics', i];
    if ((metric.query === undefined) === (metric.ratio === undefined)) {
      issues.push({ path, message: 'expected exactly one of "query" or "ratio"' });
    }
    if (metric.min !== undefined && metric.max !== undefined && metric.min > metric.max) {
      issues.push({
        path: [...path, 'min'],
        message: `min (${metric.min}) is greater than max (${metric.max})`,
      });
    }
    const queries: [string, string | undefined][] = [
      ['query', metric.query],
      ['numerator', metric.ratio?.numerator],
      ['denominator', metric.ratio?.denominator],
    ];
    for (const [field, query] of queries) {
      if (query === undefined) continue;
      const at = field === 'query' ? [...path, field] : [...path, 'ratio', field];
      for (const message of queryTemplateProblems(query)) issues.push({ path: at, message });
    }
  });
  return [...issues, ...checkSelectors(config), ...canaryTimingErrors(config)];
}

function checkSelectors(config: GantryConfig): SemanticIssue[] {
  const selectors = config.canary?.selectors;
  if (!selectors) return [];
  const issues: SemanticIssue[] = [];
  for (const side of ['canary', 'baseline'] as const) {
    for (const [label, value] of Object.entries(selectors[side])) {
      // With the u flag this matches only unpaired surrogates, which no PromQL string can hold.
      if (/[\uD800-\uDFFF]/u.test(value)) {
        issues.push({
          path: ['canary', 'selectors', side, label],
          message: 'the value is not valid Unicode',
        });
      }
      for (const match of value.matchAll(/\{([^}]*)\}/g)) {
        if (match[1] !== 'app' && match[1] !== 'env') {
          issues.push({
            path: ['canary', 'selectors', side, label],
            message: `unknown placeholder {${match[1]}}; expected {app} or {env}`,
          });
        }
      }
    }
  }
  const canon = (m: Record<string, string>) => JSON.stringify(Object.entries(m).sort());
  if (canon(selectors.canary) === canon(selectors.baseline)) {
    issues.push({
      path: ['canary', 'selectors', 'baseline'],
      message: 'the baseline selector is the same as the canary selector; they must tell the two apart',
    });
  }
  return issues;
}

/** Indexes of entries that repeat an earlier entry. */
function duplicates(values: readonly string[]): number[] {
  return values.flatMap((value, i) => (values.indexOf(value) < i ? [i] : []));
}
