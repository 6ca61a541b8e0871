import { generateKeyPairSync } from 'node:crypto';
import { Probot } from 'probot';
import { describe, expect, it } from 'vitest';
import { InProcessJobs } from '../../src/adapters/jobs/in-process.ts';
import { parseConfig } from '../../src/core/config/index.ts';
import { ValidationError } from '../../src/core/errors.ts';
import { botMetrics, createJobs, jobForges } from '../../src/entry/server/canary-jobs.ts';
import { readDatasources, resolveDatasource } from '../../src/entry/server/datasources.ts';
import { FakeGitHub } from '../support/fake-github.ts';

const canary = (prometheus: string) =>
  parseConfig({
    file: '.gantry.yml',
    content: `version: 1
canary:
  prometheus: ${prometheus}
  selectors: { canary: { track: canary }, baseline: { track: stable } }
  metrics: [{ name: m, query: "up{SELECTOR}" }]
`,
  }).canary!;

describe('Prometheus datasources of the bot', () => {
  const env = {
    PROMETHEUS_URL: 'http://prometheus.test/',
    PROMETHEUS_TOKEN: 'prom-secret',
    GANTRY_PROMETHEUS_EU_WEST_URL: 'https://eu.example.com/prom',
    GANTRY_PROMETHEUS_EU_WEST_USERNAME: 'u',
    GANTRY_PROMETHEUS_EU_WEST_PASSWORD: 'p',
    GITLAB_TOKEN: 'glpat-secret',
  };

  it('declares default and named datasources, each with its own credentials', () => {
    const sources = readDatasources(env);
    expect([...sources.byName.values()]).toEqual([
      { name: 'default', url: 'http://prometheus.test', authorization: 'Bearer prom-secret' },
      { name: 'eu-west', url: 'https://eu.example.com/prom', authorization: `Basic ${btoa('u:p')}` },
    ]);
    expect(sources.allowUndeclared).toBe(false);
  });

  it('resolves a name or an equal URL to the datasource, and its credentials win over the file', () => {
    const sources = readDatasources(env);
    expect(resolveDatasource('eu-west', sources).headers).toEqual({ authorization: `Basic ${btoa('u:p')}` });
    expect(
      resolveDatasource(
        {
          url: 'http://prometheus.test',
          auth: { type: 'bearer', tokenEnv: 'GITLAB_TOKEN' },
          headers: { Authorization: 'x', 'X-Scope-OrgID': 't' },
        },
        sources,
      ),
    ).toEqual({
      url: 'http://prometheus.test',
      headers: { 'X-Scope-OrgID': 't', authorization: 'Bearer prom-secret' },
    });
  });

  it('refuses undeclared URLs and unknown names, and never sends credentials to an undeclared URL', () => {
    const metricsFor = botMetrics(env);
    expect(() => metricsFor(canary('http://127.0.0.1:9090'))).toThrow(
      'canary.prometheus: http://127.0.0.1:9090 is not a datasource this bot declares (declared: default, eu-west); name one, or ask the operator to declare it with GANTRY_PROMETHEUS_<NAME>_URL',
    );
    expect(() => metricsFor(canary('us-east'))).toThrow(ValidationError);
    const open = readDatasources({ ...env, GANTRY_PROMETHEUS_ALLOW_UNDECLARED: '1' });
    expect(resolveDatasource('http://other.test', open)).toEqual({ url: 'http://other.test', headers: {} });
    expect(() =>
      resolveDatasource(
        { url: 'http://other.test', auth: { type: 'bearer', tokenEnv: 'PROMETHEUS_TOKEN' } },
        open,
      ),
    ).toThrow(/sends credentials only to the datasources it declares/);
  });

  it('refuses malformed declarations at start-up, naming the variable', () => {
    expect(() => botMetrics({ PROMETHEUS_URL: 'ftp://x' })).toThrow(
      'PROMETHEUS_URL: expected an http(s) URL, got "ftp://x"',
    );
    expect(() => botMetrics({ PROMETHEUS_TOKEN: 't' })).toThrow(/PROMETHEUS_URL: required/);
    expect(() =>
      botMetrics({ GANTRY_PROMETHEUS_A_URL: 'http://a', GANTRY_PROMETHEUS_A_USERNAME: 'u' }),
    ).toThrow(/set both for basic auth/);
  });
});

describe('jobs chosen at start-up', () => {
  it('is in-process without REDIS_URL', () => {
    expect(createJobs(undefined, { info() {}, warn() {}, error() {} })).toBeInstanceOf(InProcessJobs);
  });
});

describe('forges for jobs', () => {
  it('authenticates a GitHub job through the App installation on its repository, looked up once', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const fake = new FakeGitHub({ 'README.md': '# gitops\n' });
    fake.http.on('GET', '/repos/:owner/:repo/installation', (_req, params) => ({
      body: { id: params.repo === 'gitops' ? 5 : 6, account: { login: params.owner } },
    }));
    fake.http.on('POST', '/app/installations/:id/access_tokens', (_req, params) => ({
      status: 201,
      body: { token: `ghs_installation_${params.id}`, expires_at: '2099-01-01T00:00:00Z', permissions: {} },
    }));
    const probot = new Probot({
      appId: 1,
      privateKey,
      baseUrl: FakeGitHub.origin,
      request: { fetch: fake.http.fetch },
    });
    const forges = jobForges({ probot });
    const forge = await forges('github', 'shop/gitops');
    expect(await forge.branchHead('shop/gitops', 'main')).toBe(fake.git.branches.get('main'));
    expect(fake.http.requests.at(-1)!.headers.authorization).toBe('token ghs_installation_5');
    await forges('github', 'shop/gitops');
    expect(fake.http.calls().filter((c) => c.endsWith('/installation'))).toHaveLength(1);
    await expect(forges('gitlab', 'shop/gitops')).rejects.toThrow(/needs GITLAB_URL and GITLAB_TOKEN/);
    await expect(jobForges({})('github', 'shop/gitops')).rejects.toThrow(/needs the GitHub App credentials/);
  });
});
