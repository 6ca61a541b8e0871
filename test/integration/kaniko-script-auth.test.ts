import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerConfigJson } from '../../src/core/build/executor-args.ts';
import { BASE_CA_BUNDLE, gitlabEventVariables, runJobScript, type Shell } from '../support/kaniko-script.ts';
import { INPUT_CASES, SHA } from '../support/tag-cases.ts';

const SHELLS: Shell[] = ['dash', 'busybox', 'bash'];
const tag = gitlabEventVariables({ kind: 'tag', tag: 'v1.0.0', sha: SHA });
const mr = gitlabEventVariables({ kind: 'merge-request', sourceBranch: 'feature', sha: SHA });
const push = { GANTRY_REGISTRY_USER: 'ci-user', GANTRY_REGISTRY_PASSWORD: 'ci-pass "$(x)"' };
const b64 = (text: string) => Buffer.from(text).toString('base64');
const auths = (config: string | null) =>
  JSON.parse(config ?? 'null')?.auths as Record<string, { auth: string }>;
const PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----';

/** A config.json the runner mounted (Kubernetes secret, host volume) before the job starts. */
const mounted =
  (config: string, readOnly = false) =>
  ({ dockerDir }: { dockerDir: string }) => {
    mkdirSync(dockerDir, { recursive: true });
    writeFileSync(join(dockerDir, 'config.json'), config);
    if (readOnly) {
      chmodSync(join(dockerDir, 'config.json'), 0o444);
      chmodSync(dockerDir, 0o555);
      // Root writes through file modes (tests may run as root): a directory where the job
      // writes its new file fails the write for everyone, like a read-only mount.
      if (process.getuid?.() === 0) mkdirSync(join(dockerDir, 'config.json.gantry'));
    }
  };

describe.each(SHELLS)('registry credentials under %s: merged, never replaced', (shell) => {
  it('with no prior auth, writes only the job registry', () => {
    const run = runJobScript(shell, { ...tag, ...push });
    expect(run.code, run.stderr).toBe(0);
    expect(run.dockerConfig).toBe(dockerConfigJson('registry.example.com', 'ci-user', 'ci-pass "$(x)"'));
    expect(run.seenConfig).toBe(run.dockerConfig);
  });

  it('keeps a mounted config.json (other registries, credHelpers) and adds the job registry', () => {
    const existing = JSON.stringify({
      auths: { 'base.example.com': { auth: b64('base:secret') }, 'registry.example.com': { auth: 'old' } },
      credHelpers: { '123.dkr.ecr.eu-west-1.amazonaws.com': 'ecr-login' },
      HttpHeaders: { 'User-Agent': 'runner "x"' },
    });
    const run = runJobScript(shell, { ...tag, ...push }, undefined, mounted(existing));
    expect(run.code, run.stderr).toBe(0);
    const config = JSON.parse(run.dockerConfig!);
    expect(config).toEqual({
      auths: {
        'base.example.com': { auth: b64('base:secret') },
        'registry.example.com': { auth: b64('ci-user:ci-pass "$(x)"') },
      },
      credHelpers: { '123.dkr.ecr.eu-west-1.amazonaws.com': 'ecr-login' },
      HttpHeaders: { 'User-Agent': 'runner "x"' },
    });
    expect(`${run.stdout}${run.stderr}`).not.toContain(b64('base:secret'));
  });

  it('writes the merge next to a read-only mount and points Kaniko at it', () => {
    const existing = JSON.stringify({ auths: { 'base.example.com': { auth: 'YmFzZTpz' } } });
    const run = runJobScript(shell, { ...tag, ...push }, undefined, mounted(existing, true));
    expect(run.code, run.stderr).toBe(0);
    expect(run.dockerConfig).toBe(existing);
    expect(Object.keys(auths(run.seenConfig))).toEqual(['base.example.com', 'registry.example.com']);
  });

  it('adds DOCKER_AUTH_CONFIG, as text or as a file variable', () => {
    const text = JSON.stringify({ auths: { 'private.example.com:5000': { auth: b64('p:q') } } });
    const asText = runJobScript(shell, { ...tag, ...push, DOCKER_AUTH_CONFIG: text });
    expect(Object.keys(auths(asText.dockerConfig))).toEqual([
      'private.example.com:5000',
      'registry.example.com',
    ]);
    const dir = join(asText.dockerDir, '..');
    const file = join(dir, 'docker-auth-config');
    writeFileSync(file, text);
    const asFile = runJobScript(shell, { ...tag, ...push, DOCKER_AUTH_CONFIG: file });
    expect(asFile.code, asFile.stderr).toBe(0);
    expect(auths(asFile.dockerConfig)['private.example.com:5000']).toEqual({ auth: b64('p:q') });
  });

  it('adds the Dependency Proxy by host (and host:port as images name it), even for merge requests', () => {
    const proxy = {
      CI_DEPENDENCY_PROXY_SERVER: 'gitlab.example.com:443',
      CI_DEPENDENCY_PROXY_USER: 'gitlab-ci-token',
      CI_DEPENDENCY_PROXY_PASSWORD: 'job-token',
    };
    const run = runJobScript(shell, { ...tag, ...push, ...proxy });
    expect(run.code, run.stderr).toBe(0);
    expect(auths(run.dockerConfig)).toEqual({
      'gitlab.example.com': { auth: b64('gitlab-ci-token:job-token') },
      'gitlab.example.com:443': { auth: b64('gitlab-ci-token:job-token') },
      'registry.example.com': { auth: b64('ci-user:ci-pass "$(x)"') },
    });
    // Pulls need the proxy in merge request pipelines too; the push credentials stay out.
    const mrRun = runJobScript(shell, { ...mr, ...push, ...proxy });
    expect(Object.keys(auths(mrRun.dockerConfig))).toEqual(['gitlab.example.com', 'gitlab.example.com:443']);
    expect(`${run.stdout}${mrRun.stdout}`).not.toContain(b64('gitlab-ci-token:job-token'));
  });

  it('merges all of them, later sources winning per registry', () => {
    const existing = JSON.stringify({
      auths: { 'a.example.com': { auth: 'file' }, 'b.example.com': { auth: 'file' } },
    });
    const run = runJobScript(
      shell,
      {
        ...tag,
        ...push,
        DOCKER_AUTH_CONFIG: JSON.stringify({
          auths: { 'b.example.com': { auth: 'env' } },
          credsStore: 'desktop',
        }),
        CI_DEPENDENCY_PROXY_SERVER: 'gitlab.example.com',
        CI_DEPENDENCY_PROXY_USER: 'u',
        CI_DEPENDENCY_PROXY_PASSWORD: 'p',
      },
      undefined,
      mounted(existing),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.dockerConfig!)).toEqual({
      auths: {
        'a.example.com': { auth: 'file' },
        'b.example.com': { auth: 'env' },
        'gitlab.example.com': { auth: b64('u:p') },
        'registry.example.com': { auth: b64('ci-user:ci-pass "$(x)"') },
      },
      credsStore: 'desktop',
    });
  });

  it.each([
    ['not JSON', 'auths: x'],
    ['an unterminated string', '{"auths":{"a":{"auth":"x}}}'],
    ['trailing text', '{"auths":{}} x'],
    ['a list', '["a"]'],
  ])('refuses a DOCKER_AUTH_CONFIG that is %s without printing it', (_, value) => {
    const run = runJobScript(shell, { ...tag, ...push, DOCKER_AUTH_CONFIG: `{"x":1} ${value}`.slice(8) });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/gantry: (DOCKER_AUTH_CONFIG|.*neither JSON)/);
    expect(run.stderr).not.toContain(value);
    expect(run.args).toBeNull();
  });

  it('writes nothing when there is nothing to add', () => {
    const run = runJobScript(shell, mr);
    expect(run.code).toBe(0);
    expect(run.dockerConfig).toBeNull();
  });
});

describe.each(SHELLS)('custom CA under %s', (shell) => {
  it('appends PEM text from the ca-cert-variable', () => {
    const run = runJobScript(shell, { ...tag, GANTRY_CA_CERT: PEM });
    expect(run.code, run.stderr).toBe(0);
    expect(run.caBundle).toBe(`${BASE_CA_BUNDLE}\n${PEM}\n`);
  });

  it('appends a file variable and the runner’s CI_SERVER_TLS_CA_FILE', () => {
    let file = '';
    const run = runJobScript(shell, { ...tag }, undefined, ({ dir }) => {
      file = join(dir, 'ca.pem');
      writeFileSync(file, `${PEM}\n`);
    });
    expect(run.code).toBe(0);
    const both = runJobScript(shell, { ...tag, GANTRY_CA_CERT: file, CI_SERVER_TLS_CA_FILE: file });
    expect(both.code, both.stderr).toBe(0);
    expect(both.caBundle).toBe(`${BASE_CA_BUNDLE}\n${PEM}\n\n${PEM}\n`);
  });

  it.each([
    ['a missing file', '/nonexistent/ca.pem', /neither PEM text nor a readable file/],
    ['text without a certificate', '-----BEGIN CERTIFICATE----- only', /holds no PEM certificate/],
  ])('refuses %s and runs nothing', (_, value, message) => {
    const run = runJobScript(shell, { ...tag, GANTRY_CA_CERT: value });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(message);
    expect(run.args).toBeNull();
    expect(run.caBundle).toBe(BASE_CA_BUNDLE);
  });
});

describe.each(SHELLS)('labels, extra args and mirrors under %s', (shell) => {
  it('turns the OCI labels off and keeps the input labels', () => {
    const run = runJobScript(shell, {
      ...tag,
      GANTRY_SWITCHES: 'cache=true push=true oci-labels=false',
      GANTRY_LABELS: 'json:["team=shop","quote=it\'s \\"q\\" $(id)"]',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.args?.filter((a) => a.startsWith('--label='))).toEqual([
      '--label=team=shop',
      `--label=quote=it's "q" $(id)`,
    ]);
    expect(run.cwdFiles).toEqual([]);
  });

  it('leaves out the source label when CI_PROJECT_URL is empty', () => {
    const run = runJobScript(shell, { ...tag, CI_PROJECT_URL: '' });
    expect(run.args?.some((a) => a.startsWith('--label=org.opencontainers.image.source='))).toBe(false);
    expect(run.args?.filter((a) => a.startsWith('--label='))).toHaveLength(4);
  });

  const scriptVariable: Record<string, (value: string | string[]) => string> = {
    image: (v) => v as string,
    context: (v) => v as string,
    'cache-repo': (v) => v as string,
    labels: (v) => `json:${JSON.stringify(v)}`,
    'extra-args': (v) => `json:${JSON.stringify(v)}`,
    'registry-mirror': (v) => v as string,
  };
  const envName: Record<string, string> = {
    image: 'GANTRY_IMAGE_NAME',
    context: 'GANTRY_CONTEXT',
    'cache-repo': 'GANTRY_CACHE_REPO',
    labels: 'GANTRY_LABELS',
    'extra-args': 'GANTRY_EXTRA_ARGS',
    'registry-mirror': 'GANTRY_REGISTRY_MIRROR',
  };
  // What GitLab has not expanded reaches the script only as a literal "$", which it refuses.
  const cases = INPUT_CASES.filter((c) => c.input in envName && !c.gitlabOnly);
  it.each(cases.map((c) => [`${c.input} ${JSON.stringify(c.value)}`, c] as const))(
    'checks %s again, as the table says',
    (_, c) => {
      const run = runJobScript(shell, { ...tag, [envName[c.input]!]: scriptVariable[c.input]!(c.value) });
      if (c.ok) {
        expect(run.code, run.stderr).toBe(0);
      } else {
        expect(run.code).not.toBe(0);
        expect(run.stderr).toMatch(new RegExp(`input ${c.input}`));
        expect(run.args).toBeNull();
      }
      expect(run.cwdFiles).toEqual([]);
    },
  );
});
