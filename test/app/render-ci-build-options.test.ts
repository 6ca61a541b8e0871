import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type RepoSource, renderCi } from '../../src/app/render-ci.ts';
import { DEFAULT_RULES } from '../../src/core/build/inputs.ts';
import { ConfigError } from '../../src/core/errors.ts';

function repo(files: Record<string, string>): RepoSource {
  return {
    readFile: async (path) => files[path] ?? null,
    listCandidateFiles: async () => Object.keys(files),
  };
}

const GANTRY = [
  'version: 1',
  'build:',
  '  ociLabels: false',
  '  extraArgs: ["--snapshot-mode=redo", "--cache-ttl=24h"]',
  '  registryMirrors: [mirror.gcr.io]',
  '  caCertVariable: CORP_CA',
  '  images:',
  '    - name: $HARBOR/shop/api',
  '      context: services/api',
  '      dockerfile: services/api/Dockerfile',
  '      labels: ["team=shop"]',
  '      changes: ["services/api/**/*", "libs/**/*"]',
  '    - name: registry.example.com/shop/web',
  '      dockerfile: Dockerfile',
  '',
].join('\n');
const FILES = { '.gantry.yml': GANTRY, 'services/api/Dockerfile': 'FROM x', Dockerfile: 'FROM x' };

describe('renderCi with the build options of .gantry.yml', () => {
  it('passes them as component inputs, and changes as rules of that image only', async () => {
    const result = await renderCi({ platform: 'gitlab', version: '1.0.0', source: repo(FILES) });
    const items = parse(result.files[0]!.content).include as {
      component: string;
      inputs: Record<string, unknown>;
    }[];
    expect(items.map((i) => i.component)).toEqual([
      'gitlab.com/gantry-dev/gantry/kaniko@1.0.0',
      'gitlab.com/gantry-dev/gantry/kaniko@1.0.0',
    ]);
    const [api, web] = items as [(typeof items)[0], (typeof items)[0]];
    expect(api.inputs).toMatchObject({
      image: '$HARBOR/shop/api',
      labels: ['team=shop'],
      'oci-labels': false,
      'extra-args': ['--snapshot-mode=redo', '--cache-ttl=24h'],
      'registry-mirror': 'mirror.gcr.io',
      'ca-cert-variable': 'CORP_CA',
    });
    expect(api.inputs.rules).toEqual([
      { if: DEFAULT_RULES[0]!.if, changes: ['services/api/**/*', 'libs/**/*'] },
      { if: '$CI_COMMIT_TAG' },
      { if: '$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS', when: 'never' },
      { if: '$CI_COMMIT_BRANCH', changes: ['services/api/**/*', 'libs/**/*'] },
    ]);
    expect(web.inputs.rules).toBeUndefined();
  });

  it('gives a path-filtered image its own GitHub workflow, and says when one is left over', async () => {
    const files = {
      ...FILES,
      '.gantry.yml': GANTRY.replace('$HARBOR/shop/api', 'ghcr.io/shop/api'),
    } as Record<string, string>;
    const result = await renderCi({
      platform: 'github',
      version: '1.0.0',
      source: repo(files),
      actionSha: 'b'.repeat(40),
    });
    expect(result.files.map((f) => f.path)).toEqual([
      '.github/workflows/gantry-build.yml',
      '.github/workflows/gantry-build-api.paths.yml',
    ]);
    expect(result.warnings).toEqual([]);
    for (const file of result.files) files[file.path] = file.content;
    files['.gantry.yml'] = files['.gantry.yml']!.replace(/ {6}changes: .*\n/, '');
    const again = await renderCi({
      platform: 'github',
      version: '1.0.0',
      source: repo(files),
      actionSha: 'b'.repeat(40),
    });
    expect(again.files.map((f) => f.path)).toEqual(['.github/workflows/gantry-build.yml']);
    expect(again.warnings).toEqual([
      '.github/workflows/gantry-build-api.paths.yml was written by gantry and is no longer needed; delete it',
    ]);
  });

  it.each([
    ['extraArgs: ["--destination=evil/x"]', 'build.extraArgs', /is not one of the Kaniko flags/],
    ['registryMirrors: ["https://m"]', 'build.registryMirrors', /host\[:port\]/],
    ['ociLabels: "no"', 'build.ociLabels', /boolean/],
  ])('refuses %s with file, line and field', async (line, field, message) => {
    const text = [
      'version: 1',
      'build:',
      `  ${line}`,
      '  images:',
      '    - name: registry.example.com/shop/web',
      '',
    ].join('\n');
    const source = repo({ Dockerfile: 'FROM x', '.gantry.yml': text });
    const error = await renderCi({ platform: 'gitlab', version: '1.0.0', source }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const issue = (error as ConfigError).issues[0]!;
    expect(issue).toMatchObject({ file: '.gantry.yml', line: 3 });
    expect(issue.path.startsWith(field)).toBe(true);
    expect(issue.message).toMatch(message);
  });

  it('refuses a changes glob that is not one, and a $VARIABLE on GitHub, naming the field', async () => {
    const text = GANTRY.replace('"libs/**/*"', '"libs/ x"');
    const error = await renderCi({
      platform: 'gitlab',
      version: '1.0.0',
      source: repo({ ...FILES, '.gantry.yml': text }),
    }).catch((e: unknown) => e);
    expect((error as ConfigError).issues.map((i) => [i.path, i.line])).toEqual([
      ['build.images[0].changes', 12],
    ]);
    const github = await renderCi({ platform: 'github', version: '1.0.0', source: repo(FILES) }).catch(
      (e: unknown) => e,
    );
    expect((github as ConfigError).issues.map((i) => i.path)).toEqual(['build.images[0].name']);
  });
});
