import { generateKeyPairSync } from 'node:crypto';
import { Probot } from 'probot';
import { describe, expect, it } from 'vitest';
import { InProcessJobs } from '../../src/adapters/jobs/in-process.ts';
import { parseConfig } from '../../src/core/config/index.ts';
import { ValidationError } from '../../src/core/errors.ts';
import { botMetrics, createJobs, jobForges } from '../../src/entry/server/canary-jobs.ts';
import { FakeGitHub } from '../support/fake-github.ts';

const canary = (auth: string) =>
  parseConfig({
    file: '.gantry.yml',
    content: `version: 1
canary:
  prometheus:
    url: http://prometheus.test
    auth: ${auth}
  selectors: { canary: { track: canary }, baseline: { track: stable } }
  metrics: [{ name: m, query: "up{SELECTOR}" }]
`,
  }).canary!;

describe('Prometheus credentials for the bot', () => {
  it('reads only PROMETHEUS_* variables, so a repository cannot ask for the bot’s other secrets', async () => {
    const env = { PROMETHEUS_TOKEN: 'prom-secret', GITLAB_TOKEN: 'glpat-secret' };
    const metricsFor = botMetrics(env);
    expect(() => metricsFor(canary('{ type: bearer, tokenEnv: GITLAB_TOKEN }'))).toThrow(ValidationError);
    expect(() => metricsFor(canary('{ type: bearer, tokenEnv: GITLAB_TOKEN }'))).toThrow(
      'canary.prometheus.auth.tokenEnv: the bot reads credentials only from variables named PROMETHEUS_*; "GITLAB_TOKEN" is not one',
    );
    expect(() =>
      metricsFor(canary('{ type: basic, usernameEnv: PROMETHEUS_USER, passwordEnv: PRIVATE_KEY }')),
    ).toThrow(/passwordEnv/);
    expect(() => metricsFor(canary('{ type: bearer, tokenEnv: PROMETHEUS_OTHER }'))).toThrow(/not set/);
    const metrics = metricsFor(canary('{ type: bearer, tokenEnv: PROMETHEUS_TOKEN }'));
    expect(metrics.graphUrl(['up'], { start: new Date(0), end: new Date(60_000), stepSeconds: 15 })).toMatch(
      /^http:\/\/prometheus\.test\/graph\?/,
    );
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
