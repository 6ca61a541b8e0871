import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { COMPONENT_NAME, GITLAB_COMPONENT } from '../../../src/core/build/defaults.ts';
import { repoRoot } from '../../support/cli.ts';

/**
 * gantry as a GitLab CI/CD component project, checked against GitLab's rules for one
 * (docs.gitlab.com/ci/components): components live in templates/<name>.yml or
 * templates/<name>/template.yml; each starts with a `spec:` header document, then `---` and
 * the configuration; inputs are typed, `regex` is for strings only; the project has a
 * README.md and a .gitlab-ci.yml that tests the components and releases on semver tags.
 */
const templates = join(repoRoot, 'templates');
const components = readdirSync(templates).map((entry) => {
  const path = join(templates, entry);
  if (statSync(path).isDirectory()) return { name: entry, file: join(path, 'template.yml') };
  return { name: entry.replace(/\.yml$/, ''), file: path, entry };
});

describe('the component project', () => {
  it('keeps only components in templates/', () => {
    expect(components.map((c) => c.name)).toEqual([COMPONENT_NAME]);
    for (const c of components) {
      expect(c.name).toMatch(/^[a-z0-9]([a-z0-9_-]*[a-z0-9])?$/);
      expect(existsSync(c.file), `${c.file} (a component is <name>.yml or <name>/template.yml)`).toBe(true);
      if (c.entry) expect(c.entry).toMatch(/\.yml$/);
    }
    expect(components.length).toBeLessThanOrEqual(30);
  });

  it.each(components)('$name: a spec header, then the jobs, with typed inputs', ({ file }) => {
    const text = readFileSync(file, 'utf8');
    const docs = parseAllDocuments(text) as unknown as {
      toJS(): Record<string, unknown>;
      errors: unknown[];
    }[];
    expect(docs).toHaveLength(2);
    for (const doc of docs) expect(doc.errors).toEqual([]);
    const header = docs[0]!.toJS() as { spec: { inputs: Record<string, Record<string, unknown>> } };
    expect(Object.keys(header)).toEqual(['spec']);
    for (const key of Object.keys(header.spec)) expect(['inputs', 'component', 'include']).toContain(key);
    const inputs = header.spec.inputs;
    for (const [name, input] of Object.entries(inputs)) {
      expect(name).toMatch(/^[a-zA-Z0-9_-]+$/);
      for (const key of Object.keys(input))
        expect(['type', 'default', 'description', 'options', 'regex']).toContain(key);
      expect(['string', 'number', 'boolean', 'array']).toContain(input.type);
      const value = input.default;
      const type = Array.isArray(value) ? 'array' : typeof value;
      expect(type, `${name}: default matches its type`).toBe(input.type);
      if (input.regex !== undefined) {
        expect(input.type, `${name}: regex is for string inputs`).toBe('string');
        expect(
          new RegExp(input.regex as string).test(value as string),
          `${name}: default passes its regex`,
        ).toBe(true);
      }
    }
    // Every interpolation names a declared input, and every input is used.
    const body = text.slice(text.indexOf('\n---\n'));
    const used = new Set<string>();
    for (const m of body.matchAll(/\$\[\[(.*?)\]\]/g)) {
      expect(m[1], 'interpolation form').toMatch(/^ inputs\.[a-zA-Z0-9_-]+ $/);
      used.add(m[1]!.trim().slice('inputs.'.length));
    }
    expect([...used].sort()).toEqual(Object.keys(inputs).sort());
    expect(Object.keys(docs[1]!.toJS())).toEqual(['$[[ inputs.job ]]']);
  });

  it('has a README.md and a .gitlab-ci.yml that self-tests every component and releases on tags', () => {
    expect(existsSync(join(repoRoot, 'README.md'))).toBe(true);
    const pipeline = parse(readFileSync(join(repoRoot, '.gitlab-ci.yml'), 'utf8')) as Record<string, any>;
    const included = (pipeline.include as { component?: string }[]).map((i) => i.component);
    for (const c of components)
      expect(included).toContain(`$CI_SERVER_FQDN/$CI_PROJECT_PATH/${c.name}@$CI_COMMIT_SHA`);
    const releases = Object.entries(pipeline).filter(([, job]) => job?.release);
    expect(releases.map(([name]) => name)).toEqual(['component-release']);
    const [, release] = releases[0]!;
    expect(release.rules).toEqual([{ if: expect.stringMatching(/^\$CI_COMMIT_TAG =~ \/\^v/) }]);
    // The tag it creates is semver without "v", which is what the Catalog accepts.
    const rule = new RegExp(release.rules[0].if.replace(/^\$CI_COMMIT_TAG =~ \/(.*)\/$/, '$1'));
    expect(rule.test('v1.2.3')).toBe(true);
    expect(rule.test('v1.3.0-rc.1')).toBe(true);
    expect(rule.test('1.2.3')).toBe(false);
    expect(rule.test('v1.2')).toBe(false);
    expect(release.release.tag_name).toBe('$GANTRY_CATALOG_VERSION');
    expect(release.needs).toContain('component-self-test-result');
  });

  it('names, everywhere, coordinates a release creates', () => {
    const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string })
      .version;
    expect(GITLAB_COMPONENT).toBe('gitlab.com/gantry-dev/gantry/kaniko');
    const docs = readFileSync(join(repoRoot, 'docs/build.md'), 'utf8');
    for (const m of docs.matchAll(/component: (\S+)@(\S+)/g)) {
      if (m[1]!.startsWith('$CI_SERVER_FQDN')) continue;
      expect(m[1]).toBe(GITLAB_COMPONENT);
      expect(m[2], 'a version the release job creates: X.Y.Z (or X, X.Y, ~latest)').toMatch(
        /^(\d+(\.\d+){0,2}|~latest)$/,
      );
    }
    for (const m of docs.matchAll(/project: ([A-Za-z0-9_./-]+)/g)) expect(m[1]).toBe('gantry-dev/gantry');
    expect(readFileSync(join(repoRoot, 'templates/kaniko.yml'), 'utf8')).toContain(
      `${GITLAB_COMPONENT}@${version}`,
    );
  });
});
