import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../support/cli.ts';
import { serverVariables } from '../support/server-env.ts';

/**
 * The chart without a `helm` binary: values.schema.json (which Helm enforces on install)
 * against the default and edited values, and the templates' references to values.
 */
const chart = join(repoRoot, 'deploy/helm/gantry');
const schema = JSON.parse(readFileSync(join(chart, 'values.schema.json'), 'utf8'));
const defaults = parse(readFileSync(join(chart, 'values.yaml'), 'utf8')) as Record<string, any>;
const templates = readdirSync(join(chart, 'templates')).map((f) => ({
  file: f,
  text: readFileSync(join(chart, 'templates', f), 'utf8'),
}));
const validate = new Ajv({
  allErrors: true,
  strict: true,
  strictTypes: false,
  strictRequired: false,
}).compile(schema);

function errors(values: unknown): string[] {
  return validate(values) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** The default values with `path: value` changes (`redis.url`). */
const edited = (changes: Record<string, unknown>) => {
  const v = structuredClone(defaults);
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    const parent = keys.slice(0, -1).reduce((node, key) => node[key], v);
    parent[keys.at(-1)!] = value;
  }
  return v;
};

describe('Helm chart deploy/helm/gantry', () => {
  it('its default values pass its schema', () => {
    expect(errors(defaults)).toEqual([]);
  });

  it('allows more than one replica only with Redis, in the schema and in the template', () => {
    expect(errors(edited({ replicaCount: 2 }))).not.toEqual([]);
    expect(errors(edited({ replicaCount: 2, 'redis.url': 'redis://redis:6379' }))).toEqual([]);
    expect(errors(edited({ replicaCount: 3, 'redis.existingSecret': 'gantry-redis' }))).toEqual([]);
    expect(errors(edited({ replicaCount: 2, 'redis.bundled.enabled': true }))).toEqual([]);
    const deployment = templates.find((t) => t.file === 'deployment.yaml')!.text;
    expect(deployment).toMatch(
      /\{\{- if and \(gt \(int \.Values\.replicaCount\) 1\) \(not \(include "gantry\.hasRedis" \.\)\) \}\}\n\{\{- fail "replicaCount > 1 needs Redis/,
    );
  });

  it('refuses what would break the pod or leak a credential', () => {
    expect(errors(edited({ 'github.token': 'ghp_x' }))).toEqual([
      '/github must NOT have additional properties',
    ]);
    expect(errors(edited({ 'github.existingSecret': '' })).length).toBeGreaterThan(0);
    expect(errors(edited({ 'gitlab.enabled': true }))).toEqual([
      '/gitlab/url must NOT have fewer than 1 characters',
      '/gitlab must match "then" schema',
    ]);
    expect(errors(edited({ 'image.digest': 'latest' }))).toHaveLength(1);
    expect(errors(edited({ 'service.metricsPort': 3000 }))).toHaveLength(1);
    expect(errors(edited({ 'redis.url': 'http://redis' }))).toHaveLength(1);
  });

  it('templates have balanced actions: every if/range/with/define has its end', () => {
    for (const { file, text } of templates) {
      const actions = [...text.matchAll(/\{\{-?\s*(?:\/\*[\s\S]*?\*\/\s*)?(\w+)?[^}]*?-?\}\}/g)].map(
        (m) => m[1] ?? '',
      );
      let depth = 0;
      for (const word of actions) {
        if (['if', 'range', 'with', 'define'].includes(word)) depth++;
        if (word === 'end') depth--;
        expect(depth, file).toBeGreaterThanOrEqual(0);
      }
      expect(depth, file).toBe(0);
      expect(text.split('{{').length, file).toBe(text.split('}}').length);
    }
  });

  it('every .Values reference in the templates exists in values.yaml', () => {
    const missing: string[] = [];
    for (const { file, text } of templates) {
      for (const [, path] of text.matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)) {
        let node: any = defaults;
        for (const key of path!.split('.')) node = node?.[key];
        if (node === undefined) missing.push(`${file}: .Values.${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('credentials only through secretKeyRef to existing Secrets; pods non-root, read-only, probed', () => {
    const deployment = templates.find((t) => t.file === 'deployment.yaml')!.text;
    const secretNames = [...deployment.matchAll(/secretKeyRef:\n\s+name: (.+)/g)].map((m) => m[1]);
    expect(new Set(secretNames)).toEqual(
      new Set([
        '{{ $.Values.github.existingSecret }}',
        '{{ $.Values.gitlab.existingSecret }}',
        '{{ .Values.redis.existingSecret }}',
      ]),
    );
    for (const { file, text } of templates.filter((t) => /kind: Deployment/.test(t.text))) {
      expect(text, file).toMatch(/runAsNonRoot: true/);
      expect(text, file).toMatch(/readOnlyRootFilesystem: true/);
      expect(text, file).toMatch(/drop: \[ALL\]/);
      expect(text, file).toMatch(/resources:/);
    }
    expect(deployment).toMatch(/livenessProbe:\n\s+httpGet:\n\s+path: \/healthz\n\s+port: metrics/);
    expect(deployment).toMatch(/readinessProbe:\n\s+httpGet:\n\s+path: \/readyz\n\s+port: metrics/);
  });

  it('sets only variables gantry serve reads', () => {
    const deployment = templates.find((t) => t.file === 'deployment.yaml')!.text;
    const literal = [...deployment.matchAll(/- name: ([A-Z][A-Z0-9_]*)$/gm)].map((m) => m[1]!);
    const fromDicts = [...deployment.matchAll(/dict ((?:"[A-Z_]+" \S+ ?)+)/g)].flatMap((m) =>
      [...m[1]!.matchAll(/"([A-Z_]+)"/g)].map((n) => n[1]!),
    );
    const known = serverVariables();
    expect([...literal, ...fromDicts].filter((n) => !known.has(n))).toEqual([]);
    expect(fromDicts.sort()).toEqual([
      'APP_ID',
      'GITLAB_TOKEN',
      'GITLAB_WEBHOOK_SECRET',
      'PRIVATE_KEY',
      'WEBHOOK_SECRET',
    ]);
  });

  it('renders the kinds deploy/kubernetes validates, and its appVersion is the package’s', () => {
    const kinds = new Set(templates.flatMap((t) => [...t.text.matchAll(/^kind: (\w+)/gm)].map((m) => m[1])));
    expect(kinds).toEqual(
      new Set(['Deployment', 'Service', 'Ingress', 'PodDisruptionBudget', 'ServiceMonitor']),
    );
    const chartYaml = parse(readFileSync(join(chart, 'Chart.yaml'), 'utf8'));
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    expect(chartYaml.appVersion).toBe(version);
  });
});
