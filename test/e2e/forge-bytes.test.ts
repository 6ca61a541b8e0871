import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfigFile } from '../../src/adapters/local/config-files.ts';
import { loadConfig } from '../../src/core/config/index.ts';
import { ConfigError, formatIssue } from '../../src/core/errors.ts';
import { createGantryServer, type GantryServer } from '../../src/entry/server/server.ts';
import { FakeGitHub } from '../support/fake-github.ts';
import { FakeGitLab } from '../support/fake-gitlab.ts';
import { exampleGitops } from '../support/gitops-fixture.ts';
import {
  appPrivateKey,
  deliverGitHub,
  deliverGitLab,
  githubExample,
  inRepository,
  WEBHOOK_SECRET,
} from '../support/webhooks.ts';

/**
 * A `.gantry.yml` saved in Latin-1 reaches the default branch. The forges hold its bytes; the
 * bot must judge those bytes as the CLI judges the file on disk (not text decoded with
 * replacement characters), on both forges.
 */

const LATIN1 = Buffer.from('version: 1\n# caf\u00e9 au lait\nenvironments: [{ name: dev }]\n', 'latin1');
const log = pino({ level: process.env.E2E_LOG ?? 'silent' });
let server: GantryServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** What `gantry config validate` says about these bytes on disk. */
async function cliVerdict(bytes: Buffer): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'gantry-bytes-')), '.gantry.yml');
  writeFileSync(file, bytes);
  try {
    await loadConfig({ ...(await readConfigFile(file)), file: '.gantry.yml' });
  } catch (error) {
    if (error instanceof ConfigError) return formatIssue(error.issues[0]!);
  }
  throw new Error('the CLI accepted the file');
}

describe('bytes the forge returns are checked as the CLI checks a file', () => {
  it("GitHub: gantry/config fails with the CLI's message for a non-UTF-8 .gantry.yml", async () => {
    const fake = new FakeGitHub(exampleGitops());
    fake.http.on('POST', '/app/installations/:id/access_tokens', () => ({
      status: 201,
      body: { token: 'ghs_installation', expires_at: '2999-01-01T00:00:00Z', permissions: {} },
    }));
    server = await createGantryServer(
      {
        port: 0,
        host: '127.0.0.1',
        github: {
          appId: '1',
          privateKey: appPrivateKey(),
          secret: WEBHOOK_SECRET,
          baseUrl: FakeGitHub.origin,
        },
        botName: 'gantry',
        logLevel: 'silent',
      },
      { githubFetch: fake.http.fetch, githubThrottle: false, log },
    );
    await server.start();
    const sha = fake.git.push('main', { '.gantry.yml': LATIN1.toString('latin1') }, 'save as Latin-1');
    fake.legacy.set('.gantry.yml', LATIN1);
    const payload = inRepository(
      githubExample('push', (p) => p.ref === 'refs/heads/master'),
      'shop/gitops',
    );
    payload.ref = 'refs/heads/main';
    payload.after = sha;
    payload.commits = [{ ...payload.commits?.[0], added: [], removed: [], modified: ['.gantry.yml'] }];
    expect((await deliverGitHub(server.url, 'push', payload)).status).toBe(202);
    await server.runner.idle();
    expect(fake.statuses).toEqual([
      { sha, state: 'failure', context: 'gantry/config', description: await cliVerdict(LATIN1) },
    ]);
  });

  it("GitLab: gantry/config fails with the CLI's message for a non-UTF-8 .gantry.yml", async () => {
    const fake = new FakeGitLab(exampleGitops());
    server = await createGantryServer(
      {
        port: 0,
        host: '127.0.0.1',
        gitlab: {
          url: FakeGitLab.origin,
          token: 'glpat-test',
          secrets: [{ prefix: '', secret: 'bytes-secret' }],
        },
        botName: 'gantry',
        logLevel: 'silent',
      },
      { gitlabDispatcher: fake.http.agent, log },
    );
    await server.start();
    const sha = fake.git.push('main', { '.gantry.yml': LATIN1.toString('latin1') }, 'save as Latin-1');
    fake.legacy.set('.gantry.yml', LATIN1);
    const push = {
      object_kind: 'push',
      ref: 'refs/heads/main',
      after: sha,
      project: { id: fake.projectId, path_with_namespace: fake.project, default_branch: 'main' },
      commits: [{ added: [], modified: ['.gantry.yml'], removed: [] }],
    };
    expect((await deliverGitLab(server.url, 'Push Hook', push, 'bytes-secret')).status).toBe(202);
    await server.runner.idle();
    expect(fake.statuses).toMatchObject([
      { sha, status: 'failed', name: 'gantry/config', description: await cliVerdict(LATIN1) },
    ]);
  });
});
