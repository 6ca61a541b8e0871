import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.ts';
import { makeRepo } from '../support/git-repo.ts';
import { gitlabCiLocal } from '../support/gitlab-ci-local.ts';

/**
 * gantry's own .gitlab-ci.yml, run by gitlab-ci-local in a copy of the project whose remote
 * is the canonical gitlab.com/gantry-dev/gantry. `component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/
 * kaniko@$CI_COMMIT_SHA` then resolves offline to templates/kaniko.yml of this commit, as
 * GitLab resolves it: the component include itself is what is tested, not a local: stand-in.
 */
const STUB = `#!/bin/sh
printf '%s\\0' "$@" >"$STUB_ARGS"
for a in "$@"; do
  case $a in --digest-file=*) printf 'sha256:%064d\\n' 9 >"\${a#--digest-file=}" ;; esac
done
`;
const copy = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
let repo: string;
let sha: string;

beforeAll(() => {
  const made = makeRepo({
    '.gitlab-ci.yml': copy('.gitlab-ci.yml'),
    'templates/kaniko.yml': copy('templates/kaniko.yml'),
    'test/fixtures/build/component/Dockerfile': copy('test/fixtures/build/component/Dockerfile'),
    'test/fixtures/build/component/hello.txt': copy('test/fixtures/build/component/hello.txt'),
    'stub/executor': STUB,
  });
  repo = made.dir;
  chmodSync(join(repo, 'stub/executor'), 0o755);
  made.git('remote', 'add', 'origin', 'https://gitlab.com/gantry-dev/gantry.git');
  sha = made.git('rev-parse', 'HEAD');
});

const variables = () => ({
  CI_REGISTRY_IMAGE: 'registry.gitlab.com/gantry-dev/gantry',
  CI_PROJECT_DIR: repo,
  GANTRY_EXECUTOR: join(repo, 'stub/executor'),
  STUB_ARGS: join(repo, 'stub/args'),
  DOCKER_CONFIG: join(repo, '.docker-config'),
  GANTRY_CA_BUNDLE: join(repo, 'stub/ca.crt'),
});

const jobs = async (vars: Record<string, string>, unset: string[] = []) => {
  const run = await gitlabCiLocal(repo, ['--list-json'], { ...variables(), ...vars }, unset);
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { name: string; when: string }[])
    .filter((job) => job.when !== 'never')
    .map((job) => job.name);
};

describe("gantry's .gitlab-ci.yml through gitlab-ci-local", () => {
  it('includes the component by its component: address, at this commit', async () => {
    const run = await gitlabCiLocal(repo, ['--preview'], variables());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^component-self-test:$/m);
    expect(run.stdout).toContain('GANTRY_IMAGE_NAME: $CI_REGISTRY_IMAGE/component-self-test');
    expect(run.stdout).toContain('GANTRY_SWITCHES: cache=true push=false oci-labels=true');
    expect(run.stdout).toContain('GANTRY_EXTRA_ARGS:');
    expect(run.stdout).toContain('json:["--reproducible"]');
  });

  it('runs the self-test and hands its digest to the next job', async () => {
    const run = await gitlabCiLocal(repo, ['--force-shell-executor'], variables());
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain(
      `image registry.gitlab.com/gantry-dev/gantry/component-self-test:sha-${sha.slice(0, 8)}`,
    );
    expect(run.stdout).toContain(`digest sha256:${'0'.repeat(63)}9`);
    const args = readFileSync(join(repo, 'stub/args'), 'utf8').split('\0');
    expect(args).toContain('--reproducible');
    expect(args).toContain('--label=org.opencontainers.image.description=gantry component self-test');
    expect(args).toContain('--no-push');
  });

  it('publishes only from release tags vX.Y.Z, after the self-test', async () => {
    expect(await jobs({})).toEqual(['component-self-test', 'component-self-test-result']);
    const release = await jobs({ CI_COMMIT_TAG: 'v1.4.0' }, ['CI_COMMIT_BRANCH']);
    expect(release).toEqual([
      'component-self-test',
      'component-self-test-result',
      'component-version',
      'component-release',
    ]);
    // The X.Y.Z tag the release creates runs the tests only: no second release.
    expect(await jobs({ CI_COMMIT_TAG: '1.4.0' }, ['CI_COMMIT_BRANCH'])).toEqual([
      'component-self-test',
      'component-self-test-result',
    ]);
    expect(await jobs({ CI_COMMIT_TAG: 'nightly' }, ['CI_COMMIT_BRANCH'])).not.toContain('component-release');
  });
});
