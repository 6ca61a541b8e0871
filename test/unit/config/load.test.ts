import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type ConfigSource,
  configJsonSchema,
  loadConfig,
  MAX_EXTENDS_DEPTH,
  parseConfig,
  type ResolveExtends,
} from '../../../src/core/config/index.ts';
import { ConfigError, formatIssue } from '../../../src/core/errors.ts';

const root = join(import.meta.dirname, '../../..');
const example = readFileSync(join(root, 'examples/.gantry.yml'), 'utf8');

/** An in-memory set of files for `extends:` chains. */
function files(map: Record<string, string>): ResolveExtends {
  return async (ref) => {
    const key = ref.kind === 'same-repo' ? ref.path : `${ref.owner ?? 'shop'}/${ref.repo}:${ref.path}`;
    const content = map[key];
    if (content === undefined) throw new Error(`no file ${key}`);
    return { file: key, content };
  };
}

async function errorsOf(source: ConfigSource, resolve?: ResolveExtends): Promise<string[]> {
  try {
    await loadConfig(source, resolve);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('loadConfig', () => {
  it('accepts the complete example and applies defaults', async () => {
    const config = await loadConfig({ file: 'examples/.gantry.yml', content: example });
    expect(config.environments?.map((e) => e.name)).toEqual(['dev', 'staging', 'prod']);
    expect(config.environments?.[2]?.targets).toEqual(['prod/eu-west', 'prod/us-east']);
    expect(config.canary?.confidence).toBe(0.98);
    expect(config.canary?.metrics[0]?.critical).toBe(true);
    expect(config.canary?.metrics[1]?.critical).toBe(false);
    expect(config.deploy?.trigger).toBe('pipeline');
    expect(config.build?.stage).toBe('build');
  });

  it('reads bytes and strings alike, and ignores a UTF-8 byte order mark', async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('version: 1\n')]);
    expect(await loadConfig({ file: 'a.yml', content: bom })).toEqual({ version: 1 });
  });

  it('supports anchors, aliases and merge keys', async () => {
    const text = `version: 1
environments:
  - &base { name: dev, auto: true }
  - <<: *base
    name: staging
    after: dev
`;
    const config = await loadConfig({ file: 'a.yml', content: text });
    expect(config.environments?.[1]).toMatchObject({ name: 'staging', auto: true, after: 'dev' });
  });

  it('reports every schema problem at once, in file order', async () => {
    const errors = await errorsOf({
      file: 'a.yml',
      content: 'version: 1\nenvironments:\n  - name: dev\n    auto: 1\n  - nmae: prod\n',
    });
    expect(errors).toEqual([
      'a.yml:4:11: environments[0].auto: expected a boolean, got number 1',
      'a.yml:5:5: environments[1].name: required field is missing; expected a string',
      'a.yml:5:5: environments[1].nmae: unknown key "nmae" (did you mean "name"?)',
    ]);
  });

  it('parseConfig refuses extends it cannot follow', () => {
    expect(() => parseConfig({ file: 'a.yml', content: 'version: 1\nextends: org/.github\n' })).toThrow(
      /a\.yml:2:10: extends: extends is not supported here/,
    );
  });
});

describe('extends', () => {
  const base = `version: 1
environments:
  - { name: dev, auto: true }
  - { name: prod, after: dev, freeze: ["Fri 16:00 - Mon 08:00 UTC"] }
canary:
  prometheus: https://prometheus.example.com
  window: 30m
  selectors: { canary: { track: canary }, baseline: { track: stable } }
  metrics:
    - { name: errors, query: "errors{SELECTOR}", max: 0.01 }
    - { name: latency, query: "latency{SELECTOR}" }
`;

  it('merges maps by key, named lists by name, and replaces everything else', async () => {
    const local = `extends: shop/.github
version: 1
environments:
  - { name: prod, auto: true }
  - { name: sandbox }
canary:
  window: 1h
  metrics:
    - { name: latency, query: "latency{SELECTOR}", allowedIncrease: 1.2 }
    - { name: saturation, query: "cpu{SELECTOR}" }
`;
    const config = await loadConfig(
      { file: '.gantry.yml', content: local },
      files({ 'shop/.github:.gantry.yml': base }),
    );
    expect(config.environments).toEqual([
      { name: 'dev', auto: true },
      { name: 'prod', after: 'dev', auto: true, freeze: ['Fri 16:00 - Mon 08:00 UTC'] },
      { name: 'sandbox', auto: false },
    ]);
    expect(config.canary?.window).toBe('1h');
    expect(config.canary?.prometheus).toBe('https://prometheus.example.com');
    expect(config.canary?.metrics.map((m) => [m.name, m.max, m.allowedIncrease])).toEqual([
      ['errors', 0.01, undefined],
      ['latency', undefined, 1.2],
      ['saturation', undefined, undefined],
    ]);
    expect(config).not.toHaveProperty('extends');
  });

  it('is deterministic: the same inputs give the same result', async () => {
    const local = 'extends: ./base.yml\nversion: 1\n';
    const resolve = files({ 'base.yml': base });
    const a = await loadConfig({ file: '.gantry.yml', content: local }, resolve);
    const b = await loadConfig({ file: '.gantry.yml', content: local }, resolve);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('reports a problem that comes from the base in the base file', async () => {
    const broken = base.replace('after: dev', 'after: qa');
    const errors = await errorsOf(
      { file: '.gantry.yml', content: 'extends: ./base.yml\nversion: 1\n' },
      files({ 'base.yml': broken }),
    );
    expect(errors).toEqual([
      'base.yml:4:26: environments[1].after: "qa" is not an environment; expected one of: dev',
    ]);
  });

  it('names the extends line when the base cannot be read', async () => {
    const errors = await errorsOf(
      { file: '.gantry.yml', content: 'version: 1\nextends: ./missing.yml\n' },
      files({}),
    );
    expect(errors).toEqual(['.gantry.yml:2:10: extends: cannot read "missing.yml": no file missing.yml']);
  });

  it('refuses cycles and chains deeper than the limit', async () => {
    const cyclic = files({
      'a.yml': 'extends: ./b.yml\nversion: 1\n',
      'b.yml': 'extends: ./a.yml\nversion: 1\n',
    });
    expect((await errorsOf({ file: 'a.yml', content: 'extends: ./b.yml\nversion: 1\n' }, cyclic))[0]).toMatch(
      /^b\.yml:1:10: extends: extends forms a cycle: a\.yml → b\.yml → a\.yml$/,
    );
    const chain: Record<string, string> = {};
    for (let i = 0; i < MAX_EXTENDS_DEPTH + 2; i++)
      chain[`c${i}.yml`] = `extends: ./c${i + 1}.yml\nversion: 1\n`;
    const deep = await errorsOf({ file: 'c0.yml', content: chain['c0.yml']! }, files(chain));
    expect(deep[0]).toMatch(/extends chain is deeper than 5 files/);
  });
});

describe('JSON Schema', () => {
  it('is committed as schema/gantry.schema.json and up to date (run `gantry config schema`)', () => {
    const committed = JSON.parse(readFileSync(join(root, 'schema/gantry.schema.json'), 'utf8'));
    expect(committed).toEqual(configJsonSchema());
  });

  it('accepts the example and rejects unknown keys, like the loader', () => {
    const validate = new Ajv2020({ strict: false }).compile(configJsonSchema());
    expect(validate(parse(example)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ version: 1, enviroments: [] })).toBe(false);
  });

  it('is referenced by the example for editors', () => {
    expect(example.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/gantry.schema.json');
  });
});
