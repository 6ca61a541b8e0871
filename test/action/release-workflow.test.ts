import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../support/cli.ts';

const text = readFileSync(join(repoRoot, '.github/workflows/release.yml'), 'utf8');
type Step = { uses?: string; run?: string; with?: Record<string, string>; env?: Record<string, string> };
const workflow = parse(text) as {
  on: { push: { tags: string[] } };
  jobs: Record<string, { needs?: string | string[]; permissions?: Record<string, string>; steps: Step[] }>;
};

describe('release workflow (gantry itself)', () => {
  it('is a valid workflow', () => {
    expect(validateWorkflow(text).errors).toEqual([]);
  });

  it('publishes npm, builds the image with gantry’s own Action and moves the major tag, after the checks', () => {
    const { jobs } = workflow;
    expect(workflow.on.push.tags).toEqual(['v[0-9]+.[0-9]+.[0-9]+']);
    expect(jobs.npm!.steps.some((s) => s.run?.startsWith('npm publish'))).toBe(true);
    const build = jobs.image!.steps.find((s) => s.uses === './');
    expect(build?.with).toMatchObject({ dockerfile: 'Dockerfile', context: '.' });
    expect(jobs.image!.permissions).toMatchObject({ packages: 'write' });
    expect(jobs.action!.steps.some((s) => s.run?.includes('git tag --force "$major"'))).toBe(true);
    const checks = jobs.check!.steps.map((s) => s.run ?? '');
    expect(checks.indexOf('sudo sh scripts/setup.sh --test')).toBeLessThan(checks.indexOf('npm test'));
    expect(checks).toContain('npm test');
    expect(checks).toContain('sudo sh scripts/setup.sh --test');
    for (const name of ['npm', 'image']) expect(jobs[name]!.needs).toBe('check');
    expect(jobs.action!.needs).toEqual(['npm', 'image']);
  });

  it('puts no expression inside a shell line (values go through env)', () => {
    for (const job of Object.values(workflow.jobs))
      for (const step of job.steps) expect(step.run ?? '').not.toMatch(/\$\{\{/);
  });

  it('the release notes step finds the CHANGELOG section of the version', () => {
    const changelog = readFileSync(join(repoRoot, 'CHANGELOG.md'), 'utf8');
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(changelog).toMatch(new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\]`, 'm'));
  });
});
