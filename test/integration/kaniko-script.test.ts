import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dockerConfigJson, kanikoArgs } from '../../src/core/build/executor-args.ts';
import { computeTags } from '../../src/core/build/tags.ts';
import {
  defaultJobLabels,
  gitlabEventVariables,
  runJobScript,
  type Shell,
  STUB_DIGEST,
} from '../support/kaniko-script.ts';
import { SHA, TAG_CASES } from '../support/tag-cases.ts';

const IMAGE = 'registry.example.com/shop/web';
const SHELLS: Shell[] = ['dash', 'busybox', 'bash'];
const tagEvent = (tag: string) => gitlabEventVariables({ kind: 'tag', tag, sha: SHA });
const mrEvent = gitlabEventVariables({ kind: 'merge-request', sourceBranch: 'feature', sha: SHA });

describe.each(SHELLS)('GitLab job script under %s', (shell) => {
  it.each(TAG_CASES)('tags "$name" exactly like the TypeScript scheme', (c) => {
    const run = runJobScript(shell, {
      ...gitlabEventVariables(c.event),
      GANTRY_EXTRA_TAGS: (c.extraTags ?? []).join(' '),
      GANTRY_SWITCHES: `cache=true push=${c.push ?? true}`,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const digestFile = `${run.project}/gantry-build.gantry.digest`;
    const build = {
      image: IMAGE,
      context: '.',
      dockerfile: 'Dockerfile',
      buildArgs: [],
      cache: true,
      labels: defaultJobLabels(IMAGE, c.tags[0]!, c.event.sha),
    };
    expect(run.args).toEqual(kanikoArgs(build, { tags: c.tags, push: c.pushed }, run.project, digestFile));
    expect(run.args).toEqual(kanikoArgs(build, computeTags(c.event, c), run.project, digestFile));
    // Nothing in a name ran: no file appeared anywhere the script could write.
    expect(run.cwdFiles).toEqual([]);
    expect(readdirSync(run.project).sort()).toEqual([
      'gantry-build.gantry.digest',
      'gantry-build.gantry.env',
    ]);
    expect(run.dotenv).toBe(
      `GANTRY_IMAGE=${IMAGE}:${c.tags[0]}\nGANTRY_DIGEST=${STUB_DIGEST}\nGANTRY_TAG=${c.tags[0]}\n` +
        `GANTRY_TAGS=${c.tags.join(',')}\nGANTRY_PUSHED=${c.pushed}\n`,
    );
  });

  it('passes every input to the executor in the same order as the Action', () => {
    const run = runJobScript(shell, {
      ...tagEvent('v2.1.0'),
      GANTRY_JOB: 'gantry-build-api',
      GANTRY_IMAGE_NAME: 'localhost:5000/api',
      GANTRY_CONTEXT: 'services/api',
      GANTRY_DOCKERFILE: 'services/api/Dockerfile.prod',
      GANTRY_TARGET: 'runtime',
      GANTRY_BUILD_ARGS: 'json:["NODE_ENV=production","EMPTY="]',
      GANTRY_SWITCHES: 'cache=false push=true',
      GANTRY_CACHE_REPO: 'localhost:5000/cache',
      GANTRY_LABELS: 'json:["team=shop","org.opencontainers.image.title=API"]',
      GANTRY_REGISTRY_MIRROR: 'mirror.gcr.io registry.example.com:5000/hub',
      GANTRY_EXTRA_ARGS:
        'json:["--snapshot-mode=redo","--single-snapshot","--cache-ttl=24h","--compressed-caching=false"]',
    });
    expect(run.code).toBe(0);
    const build = {
      image: 'localhost:5000/api',
      context: 'services/api',
      dockerfile: 'services/api/Dockerfile.prod',
      target: 'runtime',
      buildArgs: ['NODE_ENV=production', 'EMPTY='],
      cache: false,
      labels: defaultJobLabels('localhost:5000/api', '2.1.0', SHA, [
        'team=shop',
        'org.opencontainers.image.title=API',
      ]),
      registryMirrors: ['mirror.gcr.io', 'registry.example.com:5000/hub'],
      extraArgs: [
        '--snapshot-mode=redo',
        '--single-snapshot',
        '--cache-ttl=24h',
        '--compressed-caching=false',
      ],
    };
    const plan = computeTags({ kind: 'tag', tag: 'v2.1.0', sha: SHA });
    expect(run.args).toEqual(
      kanikoArgs(build, plan, run.project, `${run.project}/gantry-build-api.gantry.digest`),
    );
    expect(run.args).toContain(`--context=${run.project}/services/api`);
  });

  it('sets the cache repository explicitly, defaulting to <image>/cache', () => {
    const run = runJobScript(shell, tagEvent('v1.0.0'));
    expect(run.args).toContain(`--cache-repo=${IMAGE}/cache`);
    expect(run.args).toContain('--cache=true');
  });

  it('reads build arguments as data, whatever they contain', () => {
    const hostile = [
      'A=1',
      `B=it's "quoted" $(touch pwned-arg) \`touch pwned-tick\` ; rm -rf / \\ ${'$'}{HOME}`,
      'C=ünïcödé',
      'D= spaced  value ',
    ];
    // The text GitLab (and gitlab-ci-local) writes for the array input: JSON.
    const run = runJobScript(shell, {
      ...tagEvent('v1.0.0'),
      GANTRY_BUILD_ARGS: `json:${JSON.stringify(hostile)}`,
    });
    expect(run.code).toBe(0);
    expect(run.args?.filter((a) => a.startsWith('--build-arg='))).toEqual(
      hostile.map((a) => `--build-arg=${a}`),
    );
    expect(run.cwdFiles).toEqual([]);
    // Ruby's Array#inspect form (spaces after commas) is read too.
    const ruby = runJobScript(shell, {
      ...tagEvent('v1.0.0'),
      GANTRY_BUILD_ARGS: 'json:[ "A=1", "B=\\#{x}" ]',
    });
    expect(ruby.args?.filter((a) => a.startsWith('--build-arg='))).toEqual([
      '--build-arg=A=1',
      '--build-arg=B=#{x}',
    ]);
  });

  it.each([
    ['a control character', `json:${JSON.stringify(['A=line\nbreak'])}`, /control characters/],
    ['a missing "="', 'json:["NOEQUALS"]', /"NOEQUALS" is not KEY=VALUE/],
    ['a bad key', 'json:["1A=x"]', /is not KEY=VALUE/],
    ['not JSON', 'A=1', /expected json:\[\.\.\.\]/],
    ['an unterminated list', 'json:["A=1"', /expected "," or "\]"/],
    ['trailing text', 'json:["A=1"] x', /unexpected text after the list/],
  ])('refuses build arguments with %s', (_, value, message) => {
    const run = runJobScript(shell, { ...tagEvent('v1.0.0'), GANTRY_BUILD_ARGS: value });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(message);
    expect(run.args).toBeNull();
  });

  it.each([
    ['an image with a tag', { GANTRY_IMAGE_NAME: 'registry.example.com/web:1.0' }, /must not have a tag/],
    ['an image with a space', { GANTRY_IMAGE_NAME: 'registry.example.com/we b' }, /input image/],
    ['an empty image', { GANTRY_IMAGE_NAME: '' }, /input image/],
    ['a context leaving the repository', { GANTRY_CONTEXT: 'a/../..' }, /input context.*"\.\."/],
    ['an absolute dockerfile', { GANTRY_DOCKERFILE: '/etc/passwd' }, /input dockerfile/],
    ['a dockerfile with $(…)', { GANTRY_DOCKERFILE: '$(touch pwned)' }, /input dockerfile/],
    ['a bad target', { GANTRY_TARGET: '-x' }, /input target/],
    ['a bad switch', { GANTRY_SWITCHES: 'cache=yes push=true' }, /must be true or false/],
    ['an image from an unset variable', { GANTRY_IMAGE_NAME: '/shop/api' }, /is a \$VARIABLE in it unset/],
    ['a context from an absolute variable', { GANTRY_CONTEXT: '/builds/shop/api' }, /input context/],
    ['a bad extra tag', { GANTRY_EXTRA_TAGS: 'ok .bad' }, /input extra-tags: "\.bad"/],
    ['a bad job name', { GANTRY_JOB: '../x' }, /input job/],
    ['a short commit', { CI_COMMIT_SHA: 'abcdef01' }, /not a full commit sha/],
    ['no event at all', { CI_COMMIT_TAG: '' }, /cannot tell the event/],
  ])('refuses %s and runs nothing', (_, variables, message) => {
    const run = runJobScript(shell, { ...tagEvent('v1.0.0'), ...variables });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(message);
    expect(run.args).toBeNull();
    expect(run.cwdFiles).toEqual([]);
  });

  it('writes registry credentials for pushes without printing them', () => {
    const secret = 's3cr3t-p@ss "with" $(quotes)';
    const run = runJobScript(shell, {
      ...tagEvent('v1.0.0'),
      GANTRY_REGISTRY_USER: 'ci-user',
      GANTRY_REGISTRY_PASSWORD: secret,
    });
    expect(run.code).toBe(0);
    expect(run.dockerConfig).toBe(dockerConfigJson('registry.example.com', 'ci-user', secret));
    const auth = JSON.parse(run.dockerConfig!).auths['registry.example.com'].auth as string;
    expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
    expect(`${run.stdout}${run.stderr}`).not.toContain(auth);
  });

  it('uses Docker Hub’s index URL for images without a registry', () => {
    const run = runJobScript(shell, {
      ...tagEvent('v1.0.0'),
      GANTRY_IMAGE_NAME: 'shop/web',
      GANTRY_REGISTRY_USER: 'u',
      GANTRY_REGISTRY_PASSWORD: 'p',
    });
    expect(run.dockerConfig).toBe(dockerConfigJson('docker.io', 'u', 'p'));
  });

  it('gives merge requests no credentials and no push', () => {
    const run = runJobScript(shell, { ...mrEvent, GANTRY_REGISTRY_USER: 'u', GANTRY_REGISTRY_PASSWORD: 'p' });
    expect(run.code).toBe(0);
    expect(run.dockerConfig).toBeNull();
    expect(run.args?.slice(-2)).toEqual(['--no-push', '--no-push-cache']);
  });

  it('fails when the executor leaves no digest', () => {
    const run = runJobScript(shell, { ...tagEvent('v1.0.0'), STUB_DIGEST: 'not-a-digest' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/wrote no sha256 digest/);
    expect(run.dotenv).toBeNull();
  });
});
