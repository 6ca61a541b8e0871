import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { workingTreeSource, writeRepoFiles } from '../../src/adapters/local/repo-files.ts';
import { renderCi } from '../../src/app/render-ci.ts';
import { kanikoArgs } from '../../src/core/build/executor-args.ts';
import { type BuildEvent, computeTags } from '../../src/core/build/tags.ts';
import { repoRoot } from '../support/cli.ts';
import { makeRepo } from '../support/git-repo.ts';
import { gitlabCiLocal } from '../support/gitlab-ci-local.ts';
import {
  defaultJobLabels,
  gitlabEventVariables,
  PIPELINE_CREATED_AT,
  PROJECT_URL,
} from '../support/kaniko-script.ts';
import { SHA } from '../support/tag-cases.ts';

/**
 * The committed include, rendered into a repository by `renderCi` exactly as users get it,
 * checked and run by gitlab-ci-local: --preview validates against GitLab's CI schema and
 * resolves include:local and spec:inputs; --force-shell-executor runs the job script in a
 * real shell with a stub /kaniko/executor. No Docker needed.
 */
const PIPELINE = `# team pipeline: gantry adds its include below, the rest stays as it is
stages: [build, test]

promote:
  stage: test
  needs: [gantry-build-api]
  script:
    - printf 'promote %s %s\\n' "$GANTRY_IMAGE" "$GANTRY_DIGEST"
`;

const STUB = `#!/bin/sh
printf '%s\\0' "$@" >"$STUB_DIR/$GANTRY_JOB.args"
for a in "$@"; do
  case $a in --digest-file=*) printf 'sha256:%064d\\n' 7 >"\${a#--digest-file=}" ;; esac
done
`;

const IMAGE = 'registry.example.com/shop/web';
let repo: string;

const unsetFor = (event: BuildEvent) => (event.kind === 'branch' ? [] : ['CI_COMMIT_BRANCH']);

beforeAll(async () => {
  const made = makeRepo({
    Dockerfile: 'FROM scratch\n',
    'services/api/Dockerfile': 'FROM scratch\n',
    '.gitlab-ci.yml': PIPELINE,
    'vendor/gantry/kaniko.yml': readFileSync(join(repoRoot, 'ci-includes/kaniko.yml'), 'utf8'),
    'bad.gitlab-ci.yml': [
      'include:',
      '  - local: vendor/gantry/kaniko.yml',
      '    inputs: { job: Bad_Job, context: ../outside }',
    ].join('\n'),
    'stub/executor': STUB,
  });
  repo = made.dir;
  made.git('remote', 'add', 'origin', 'https://gitlab.example.com/shop/web.git');
  const result = await renderCi({
    platform: 'gitlab',
    source: await workingTreeSource(repo),
    version: '0.0.0',
    include: { kind: 'local', file: 'vendor/gantry/kaniko.yml' },
  });
  await writeRepoFiles(repo, result.files);
  chmodSync(join(repo, 'stub/executor'), 0o755);
  made.git('add', '-A');
  made.git('commit', '-q', '-m', 'gantry ci render');
});

const runVariables = () => ({
  CI_REGISTRY_IMAGE: IMAGE,
  CI_REGISTRY_USER: 'ci-user',
  CI_REGISTRY_PASSWORD: 'ci-password',
  CI_PROJECT_DIR: repo,
  CI_COMMIT_SHA: SHA,
  GANTRY_EXECUTOR: join(repo, 'stub/executor'),
  STUB_DIR: join(repo, 'stub'),
  DOCKER_CONFIG: join(repo, '.docker-config'),
  CI_PIPELINE_CREATED_AT: PIPELINE_CREATED_AT,
  CI_PROJECT_URL: PROJECT_URL,
  GANTRY_CA_BUNDLE: join(repo, 'stub/ca-certificates.crt'),
});

describe('gitlab-ci-local on a rendered .gitlab-ci.yml', () => {
  it('passes --preview for tag, branch and merge request pipelines', async () => {
    const events: BuildEvent[] = [
      { kind: 'tag', tag: 'v1.2.3', sha: SHA },
      { kind: 'branch', branch: 'main', sha: SHA, defaultBranch: 'main' },
      { kind: 'merge-request', sourceBranch: 'feature', sha: SHA },
    ];
    for (const event of events) {
      const run = await gitlabCiLocal(repo, ['--preview'], gitlabEventVariables(event), unsetFor(event));
      expect(run.stderr).not.toMatch(/invalid|error/i);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^gantry-build-api:$/m);
      expect(run.stdout).toContain('GANTRY_IMAGE_NAME: $CI_REGISTRY_IMAGE/services/api');
      expect(run.stdout).toContain('GANTRY_DOCKERFILE: services/api/Dockerfile');
    }
  });

  it('passes --preview with every input set, from a .gantry.yml', async () => {
    const files: Record<string, string> = {
      '.gantry.yml': [
        'version: 1',
        'build:',
        '  executorImage: ghcr.io/osscontainertools/kaniko:v1.28.5-debug',
        '  cache: false',
        '  push: false',
        '  stage: images',
        '  registry: { userVariable: REG_USER, passwordVariable: REG_TOKEN }',
        '  images:',
        '    - name: registry.example.com/shop/api',
        '      context: services/api',
        '      dockerfile: services/api/Dockerfile',
        '      target: runtime',
        `      buildArgs: ["A=1", "B=it's \\"quoted\\" $(id)"]`,
        '      extraTags: [edge, stable]',
        '      cacheRepo: registry.example.com/cache/api',
        '      labels: ["team=shop"]',
        '      changes: ["services/api/**/*"]',
        '  ociLabels: false',
        '  extraArgs: ["--snapshot-mode=redo"]',
        '  registryMirrors: [mirror.gcr.io]',
        '  caCertVariable: CORP_CA',
        '',
      ].join('\n'),
      'services/api/Dockerfile': 'FROM scratch\n',
      '.gitlab-ci.yml': 'stages: [images]\n',
    };
    const result = await renderCi({
      platform: 'gitlab',
      version: '0.0.0',
      include: { kind: 'local', file: 'vendor/gantry/kaniko.yml' },
      source: {
        readFile: async (path) => files[path] ?? null,
        listCandidateFiles: async () => Object.keys(files),
      },
    });
    expect(result.warnings).toEqual([]);
    writeFileSync(join(repo, 'full.gitlab-ci.yml'), result.files[0]!.content);
    const run = await gitlabCiLocal(repo, ['--preview', '--file', 'full.gitlab-ci.yml'], {
      CI_COMMIT_TAG: 'v1.0.0',
    });
    expect(run.code, run.stderr).toBe(0);
    for (const line of [
      'gantry-build-api:',
      '  stage: images',
      '    GANTRY_TARGET: runtime',
      `    GANTRY_BUILD_ARGS: json:["A=1","B=it's \\"quoted\\" $$(id)"]`,
      '    GANTRY_SWITCHES: cache=false push=false oci-labels=false',
      '    GANTRY_REGISTRY_MIRROR: mirror.gcr.io',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitLab variable reference
      '    GANTRY_CA_CERT: ${CORP_CA}',
      '        - services/api/**/*',
      '    GANTRY_CACHE_REPO: registry.example.com/cache/api',
      '    GANTRY_EXTRA_TAGS: edge stable',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitLab variable reference
      '    GANTRY_REGISTRY_USER: ${REG_USER}',
    ]) {
      expect(run.stdout.split('\n')).toContain(line);
    }
  });

  it('refuses inputs outside their constraints', async () => {
    const run = await gitlabCiLocal(repo, ['--preview', '--file', 'bad.gitlab-ci.yml']);
    expect(run.code).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(/`job` input: `Bad_Job` does not match required regex/);
  });

  it('runs on tags, branches and merge requests; a branch with an open MR leaves it to the MR pipeline', async () => {
    const when = async (variables: Record<string, string>, unset: string[] = []) => {
      const run = await gitlabCiLocal(repo, ['--list-json'], variables, unset);
      expect(run.code).toBe(0);
      const jobs = JSON.parse(run.stdout) as { name: string; when: string }[];
      return jobs.find((job) => job.name === 'gantry-build-api')?.when;
    };
    expect(await when({ CI_COMMIT_TAG: 'v1.0.0' }, ['CI_COMMIT_BRANCH'])).toBe('on_success');
    expect(await when({ CI_COMMIT_BRANCH: 'feature' })).toBe('on_success');
    expect(await when({ CI_PIPELINE_SOURCE: 'merge_request_event' }, ['CI_COMMIT_BRANCH'])).toBe(
      'on_success',
    );
    expect(await when({ CI_COMMIT_BRANCH: 'feature', CI_OPEN_MERGE_REQUESTS: 'shop/web!1' })).toBe('never');
  });

  // Hostile names come in through the CI variables, as GitLab would set them.
  const events: [string, BuildEvent][] = [
    ['a release tag', { kind: 'tag', tag: 'v1.2.3', sha: SHA }],
    ['a tag with ";"', { kind: 'tag', tag: 'v1.0.0;touch pwned-semi', sha: SHA }],
    ['a tag with $(…)', { kind: 'tag', tag: '$(touch pwned-dollar)', sha: SHA }],
    ['the default branch', { kind: 'branch', branch: 'main', sha: SHA, defaultBranch: 'main' }],
    [
      'a branch with backticks and quotes',
      { kind: 'branch', branch: `\`touch pwned-tick\` "it's"`, sha: SHA, defaultBranch: 'main' },
    ],
    [
      'a branch with a newline and spaces',
      { kind: 'branch', branch: 'a b\ntouch pwned-nl', sha: SHA, defaultBranch: 'main' },
    ],
    ['a unicode branch', { kind: 'branch', branch: 'fëature/ü', sha: SHA, defaultBranch: 'main' }],
    ['a branch named ".."', { kind: 'branch', branch: '..', sha: SHA, defaultBranch: 'main' }],
    [
      'a merge request from a hostile branch',
      { kind: 'merge-request', sourceBranch: '$(touch pwned-mr);id', sha: SHA },
    ],
  ];

  it.each(events)(
    'builds %s in a real shell with the exact destinations, running nothing from it',
    async (_, event) => {
      rmSync(join(repo, '.docker-config'), { recursive: true, force: true });
      for (const file of readdirSync(join(repo, 'stub')))
        if (file.endsWith('.args')) rmSync(join(repo, 'stub', file));
      const run = await gitlabCiLocal(
        repo,
        ['--force-shell-executor'],
        { ...gitlabEventVariables(event), ...runVariables() },
        unsetFor(event),
      );
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      const plan = computeTags(event);
      const args = (job: string) =>
        readFileSync(join(repo, 'stub', `${job}.args`), 'utf8')
          .split('\0')
          .slice(0, -1);
      const build = {
        image: IMAGE,
        context: '.',
        dockerfile: 'Dockerfile',
        buildArgs: [],
        cache: true,
        labels: defaultJobLabels(IMAGE, plan.tags[0]!, SHA),
      };
      expect(args('gantry-build')).toEqual(
        kanikoArgs(build, plan, repo, `${repo}/gantry-build.gantry.digest`),
      );
      const api = {
        ...build,
        image: `${IMAGE}/services/api`,
        context: 'services/api',
        dockerfile: 'services/api/Dockerfile',
        labels: defaultJobLabels(`${IMAGE}/services/api`, plan.tags[0]!, SHA),
      };
      expect(args('gantry-build-api')).toEqual(
        kanikoArgs(api, plan, repo, `${repo}/gantry-build-api.gantry.digest`),
      );
      // Credentials only when pushing; the next stage reads the image and digest from the dotenv.
      expect(existsSync(join(repo, '.docker-config/config.json'))).toBe(plan.push);
      expect(run.stdout).toContain(`promote ${IMAGE}/services/api:${plan.tags[0]} sha256:${'0'.repeat(63)}7`);
      expect(run.stdout).not.toContain('ci-password');
      const created = readdirSync(repo).filter((f) => f.startsWith('pwned'));
      expect(created).toEqual([]);
    },
  );
});
