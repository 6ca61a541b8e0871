import { describe, expect, it } from 'vitest';
import { type ActionHost, runBuildAction } from '../../src/app/build-action.ts';
import { DEFAULT_EXECUTOR_IMAGE } from '../../src/core/build/defaults.ts';
import { dockerConfigJson } from '../../src/core/build/executor-args.ts';
import { githubBuildEvent } from '../../src/core/build/github-event.ts';
import { ValidationError } from '../../src/core/errors.ts';
import { SHA } from '../support/tag-cases.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

/** An in-memory host: records `docker run`, and "Kaniko" writes a digest into the mounted output. */
function fakeHost(env: Record<string, string>, files: Record<string, string> = {}, exitCode = 0) {
  const fs = new Map(Object.entries(files));
  const runs: { command: string; args: readonly string[] }[] = [];
  const removed: string[] = [];
  const privateFiles: string[] = [];
  const logs: string[] = [];
  let temp = 0;
  let delimiter = 0;
  const host: ActionHost = {
    env,
    readFile: async (path) => fs.get(path) ?? null,
    makeTempDir: async () => `/tmp/gantry-${++temp}`,
    writePrivateFile: async (path, content) => {
      fs.set(path, content);
      privateFiles.push(path);
    },
    appendFile: async (path, content) => {
      fs.set(path, (fs.get(path) ?? '') + content);
    },
    removeDir: async (path) => {
      removed.push(path);
    },
    run: async (command, args) => {
      runs.push({ command, args });
      const output = args[args.indexOf('--volume', 4) + 1]!.split(':')[0]!;
      if (exitCode === 0) fs.set(`${output}/digest`, `${DIGEST}\n`);
      return exitCode;
    },
    log: (line) => logs.push(line),
    randomDelimiter: () => `EOF_${++delimiter}`,
    now: () => new Date('2026-12-01T12:34:56.789Z'),
  };
  return { host, fs, runs, removed, privateFiles, logs };
}

const event = (name: string, ref: string, payload: object) => ({
  env: {
    GITHUB_EVENT_NAME: name,
    GITHUB_REF: ref,
    GITHUB_SHA: SHA,
    GITHUB_EVENT_PATH: '/event.json',
    GITHUB_WORKSPACE: '/home/runner/work/web/web',
    GITHUB_OUTPUT: '/out/github_output',
    GITHUB_STEP_SUMMARY: '/out/summary.md',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'shop/web',
  },
  files: { '/event.json': JSON.stringify(payload) },
});
const repository = { repository: { default_branch: 'main' } };
const LABELS = [
  'org.opencontainers.image.created=2026-12-01T12:34:56Z',
  `org.opencontainers.image.revision=${SHA}`,
  'org.opencontainers.image.source=https://github.com/shop/web',
  'org.opencontainers.image.title=web',
  'org.opencontainers.image.version=1.2.3',
];
const inputs = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));

describe('the Action, mode build', () => {
  it('builds and pushes a release tag with docker run, credentials mounted read-only', async () => {
    const e = event('push', 'refs/tags/v1.2.3', repository);
    const fake = fakeHost(
      {
        ...e.env,
        ...inputs({ image: 'ghcr.io/shop/web', 'registry-username': 'bot', 'registry-password': 'tok3n' }),
      },
      e.files,
    );
    const result = await runBuildAction(fake.host);
    expect(fake.runs).toEqual([
      {
        command: 'docker',
        args: [
          'run',
          '--rm',
          '--volume',
          '/home/runner/work/web/web:/workspace',
          '--volume',
          '/tmp/gantry-1:/gantry-out',
          '--volume',
          '/tmp/gantry-2:/kaniko/.docker:ro',
          '--entrypoint',
          '/kaniko/executor',
          DEFAULT_EXECUTOR_IMAGE,
          '--context=/workspace',
          '--dockerfile=/workspace/Dockerfile',
          '--destination=ghcr.io/shop/web:1.2.3',
          '--destination=ghcr.io/shop/web:1.2',
          '--destination=ghcr.io/shop/web:1',
          '--destination=ghcr.io/shop/web:latest',
          ...LABELS.map((label) => `--label=${label}`),
          '--cache=true',
          '--cache-repo=ghcr.io/shop/web/cache',
          '--digest-file=/gantry-out/digest',
        ],
      },
    ]);
    expect(fake.privateFiles).toEqual(['/tmp/gantry-2/config.json']);
    expect(fake.fs.get('/tmp/gantry-2/config.json')).toBe(dockerConfigJson('ghcr.io', 'bot', 'tok3n'));
    expect(fake.removed.sort()).toEqual(['/tmp/gantry-1', '/tmp/gantry-2']);
    expect(result).toEqual({
      image: 'ghcr.io/shop/web:1.2.3',
      tags: [
        'ghcr.io/shop/web:1.2.3',
        'ghcr.io/shop/web:1.2',
        'ghcr.io/shop/web:1',
        'ghcr.io/shop/web:latest',
      ],
      digest: DIGEST,
      labels: LABELS,
      pushed: true,
    });
    const metadata = {
      image: 'ghcr.io/shop/web:1.2.3',
      tags: result.tags,
      digest: DIGEST,
      labels: {
        'org.opencontainers.image.created': '2026-12-01T12:34:56Z',
        'org.opencontainers.image.revision': SHA,
        'org.opencontainers.image.source': 'https://github.com/shop/web',
        'org.opencontainers.image.title': 'web',
        'org.opencontainers.image.version': '1.2.3',
      },
      pushed: true,
    };
    expect(fake.fs.get('/out/github_output')).toBe(
      'image<<EOF_1\nghcr.io/shop/web:1.2.3\nEOF_1\n' +
        'tags<<EOF_2\nghcr.io/shop/web:1.2.3\nghcr.io/shop/web:1.2\nghcr.io/shop/web:1\nghcr.io/shop/web:latest\nEOF_2\n' +
        `digest<<EOF_3\n${DIGEST}\nEOF_3\n` +
        `labels<<EOF_4\n${LABELS.join('\n')}\nEOF_4\n` +
        `metadata<<EOF_5\n${JSON.stringify(metadata)}\nEOF_5\n`,
    );
    const summary = fake.fs.get('/out/summary.md')!;
    expect(summary).toContain('### gantry build: `ghcr.io/shop/web:1.2.3`');
    expect(summary).toContain(`| Digest | \`${DIGEST}\` |`);
    expect(summary).toContain('| Tags | `ghcr.io/shop/web:1.2.3`<br>`ghcr.io/shop/web:1.2`<br>');
    expect(summary).toContain('`org.opencontainers.image.source=https://github.com/shop/web`');
    expect(fake.logs.join('\n')).not.toContain('tok3n');
  });

  it('builds pull requests without pushing and without credentials', async () => {
    const e = event('pull_request', 'refs/pull/7/merge', {
      ...repository,
      pull_request: { head: { ref: 'feature/$(id)', sha: SHA } },
    });
    const fake = fakeHost(
      {
        ...e.env,
        ...inputs({ image: 'ghcr.io/shop/web', 'registry-username': 'bot', 'registry-password': 'x' }),
      },
      e.files,
    );
    const result = await runBuildAction(fake.host);
    const args = fake.runs[0]!.args;
    expect(args).not.toContain('/tmp/gantry-2:/kaniko/.docker:ro');
    expect(args.filter((a) => a.startsWith('--destination='))).toEqual([
      '--destination=ghcr.io/shop/web:feature-id-abcdef01',
    ]);
    expect(args.slice(-2)).toEqual(['--no-push', '--no-push-cache']);
    expect(fake.privateFiles).toEqual([]);
    expect(result.pushed).toBe(false);
  });

  it('passes every input as one argument each, and lowercases the image', async () => {
    const e = event('push', 'refs/heads/main', repository);
    const fake = fakeHost(
      {
        ...e.env,
        HOME: '/home/runner',
        ...inputs({
          image: 'ghcr.io/Shop/Web',
          context: 'services/api',
          dockerfile: 'services/api/Dockerfile',
          target: 'runtime',
          'build-args': 'A=1\nB=$(touch pwned) `id` "q"\n',
          'extra-tags': 'edge stable',
          cache: 'false',
          'executor-image': 'registry.example.com/kaniko:v1-debug',
          labels: 'team=shop\norg.opencontainers.image.title=Web | `x`\n',
          'oci-labels': 'false',
          'extra-args': '--snapshot-mode=redo\n--single-snapshot\n',
          'registry-mirror': 'mirror.gcr.io registry.example.com:5000/hub',
        }),
      },
      { ...e.files, '/home/runner/.docker/config.json': '{"auths":{}}' },
    );
    await runBuildAction(fake.host);
    expect(fake.runs[0]!.args.slice(6)).toEqual([
      '--volume',
      '/home/runner/.docker:/kaniko/.docker:ro',
      '--entrypoint',
      '/kaniko/executor',
      'registry.example.com/kaniko:v1-debug',
      '--context=/workspace/services/api',
      '--dockerfile=/workspace/services/api/Dockerfile',
      '--destination=ghcr.io/shop/web:sha-abcdef01',
      '--destination=ghcr.io/shop/web:main',
      '--destination=ghcr.io/shop/web:edge',
      '--destination=ghcr.io/shop/web:stable',
      '--target=runtime',
      '--build-arg=A=1',
      '--build-arg=B=$(touch pwned) `id` "q"',
      '--label=team=shop',
      '--label=org.opencontainers.image.title=Web | `x`',
      '--cache=false',
      '--registry-mirror=mirror.gcr.io',
      '--registry-mirror=registry.example.com:5000/hub',
      '--snapshot-mode=redo',
      '--single-snapshot',
      '--digest-file=/gantry-out/digest',
    ]);
  });

  it('refuses bad inputs, naming each, and runs nothing', async () => {
    const e = event('push', 'refs/tags/v1.0.0', repository);
    const fake = fakeHost(
      {
        ...e.env,
        ...inputs({
          mode: 'deploy',
          image: 'ghcr.io/shop/web:latest',
          context: '../outside',
          'build-args': 'NOEQUALS',
          cache: 'yes',
          'executor-image': 'not an image',
          'extra-args': '--destination=evil.example.com/x',
          'cache-repo': '$HARBOR/cache',
        }),
      },
      e.files,
    );
    const error = await runBuildAction(fake.host).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ValidationError);
    const message = (error as Error).message;
    expect(message).toContain('input "mode": "deploy" is not supported; expected one of: build');
    expect(message).toContain('input "image": image name "ghcr.io/shop/web:latest" must not carry a tag');
    expect(message).toContain('input "context": "../outside" is not a path relative to the repository root');
    expect(message).toContain('input "build-args": "NOEQUALS" is not KEY=VALUE');
    expect(message).toContain('input "executor-image"');
    expect(message).toContain('input "cache": "yes" is not true or false');
    expect(message).toContain(
      'input "extra-args": "--destination=evil.example.com/x" is not one of the Kaniko flags',
    );
    expect(message).toContain(
      'input "cache-repo": "$harbor/cache" holds a $VARIABLE, which GitHub does not expand',
    );
    expect(fake.runs).toEqual([]);
    expect(fake.fs.get('/out/github_output')).toBeUndefined();
  });

  it('fails when the executor fails, and cleans up', async () => {
    const e = event('push', 'refs/tags/v1.0.0', repository);
    const fake = fakeHost({ ...e.env, ...inputs({ image: 'ghcr.io/shop/web' }) }, e.files, 2);
    await expect(runBuildAction(fake.host)).rejects.toThrow('docker run exited with 2');
    expect(fake.removed).toEqual(['/tmp/gantry-1']);
    expect(fake.fs.get('/out/github_output')).toBeUndefined();
  });
});

describe('GitHub events', () => {
  it('maps refs and pull requests to build events', () => {
    const env = (name: string, ref: string) => ({
      GITHUB_EVENT_NAME: name,
      GITHUB_REF: ref,
      GITHUB_SHA: SHA,
    });
    expect(githubBuildEvent(env('push', 'refs/tags/v1.0.0'), {})).toEqual({
      kind: 'tag',
      tag: 'v1.0.0',
      sha: SHA,
    });
    expect(githubBuildEvent(env('workflow_dispatch', 'refs/heads/dev'), repository)).toEqual({
      kind: 'branch',
      branch: 'dev',
      sha: SHA,
      defaultBranch: 'main',
    });
    expect(
      githubBuildEvent(env('pull_request_target', 'refs/heads/main'), {
        pull_request: { head: { ref: 'x', sha: SHA } },
      }),
    ).toEqual({ kind: 'merge-request', sourceBranch: 'x', sha: SHA });
  });

  it('refuses what it cannot build', () => {
    expect(() => githubBuildEvent({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/notes/x' }, {})).toThrow(
      /expected a pull request, a tag or a branch/,
    );
    expect(() => githubBuildEvent({ GITHUB_EVENT_NAME: 'pull_request' }, {})).toThrow(/pull_request.head/);
    expect(() => githubBuildEvent({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/x' }, {})).toThrow(
      /default_branch/,
    );
  });
});
