import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateAction, validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { GITHUB_IMAGE_PREFIX } from '../../src/core/build/defaults.ts';
import { renderWorkflow } from '../../src/core/build/github-workflow.ts';
import { jobsFromConfig, jobsFromDockerfiles } from '../../src/core/build/job-model.ts';
import { repoRoot } from '../support/cli.ts';

describe('@action-validator/core', () => {
  it('accepts action.yml', () => {
    const text = readFileSync(join(repoRoot, 'action.yml'), 'utf8');
    expect(text).toMatch(/^ {2}using: node24$/m);
    // The validator's bundled schema (0.6.0) predates the node24 runtime and lists node12,
    // node16 and node20 only; check everything else with the runtime it knows.
    const { errors } = validateAction(text.replace(/^ {2}using: node24$/m, '  using: node20'));
    expect(errors).toEqual([]);
  });

  it('accepts the generated workflow, for discovered and configured images', () => {
    const discovered = jobsFromDockerfiles(['Dockerfile', 'services/api/Dockerfile'], GITHUB_IMAGE_PREFIX);
    const configured = jobsFromConfig({
      cache: false,
      images: [
        {
          name: 'registry.example.com/shop/web',
          context: 'web',
          dockerfile: 'web/Dockerfile',
          target: 'runtime',
          buildArgs: ['A=1', 'B=two words'],
          extraTags: ['edge'],
        },
      ],
      registry: { userVariable: 'REG_USER', passwordVariable: 'REG_TOKEN' },
    });
    for (const jobs of [discovered, configured]) {
      expect(validateWorkflow(renderWorkflow(jobs, 'gantry/gantry@v0.1.0')).errors).toEqual([]);
    }
  });

  it('would catch a broken workflow (the check can fail)', () => {
    const broken = renderWorkflow(jobsFromDockerfiles(['Dockerfile'], GITHUB_IMAGE_PREFIX), 'a/b@v1').replace(
      'runs-on:',
      'runs_on:',
    );
    expect(validateWorkflow(broken).errors).not.toEqual([]);
  });
});
