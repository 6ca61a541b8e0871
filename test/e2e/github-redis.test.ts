import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGantryServer } from '../../src/entry/server/server.ts';
import { FakeGitHub } from '../support/fake-github.ts';
import { selfReleasingGitops } from '../support/gitops-fixture.ts';
import { type RunningRedis, startRedis } from '../support/redis.ts';
import { githubTagPush } from '../support/server-world.ts';
import { appPrivateKey, deliverGitHub, WEBHOOK_SECRET } from '../support/webhooks.ts';

let redis: RunningRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('gantry serve for GitHub with REDIS_URL', () => {
  it("delivers through BullMQ and paces GitHub writes with Probot's Redis-backed throttling (Bottleneck keys in Redis)", async () => {
    const files = selfReleasingGitops('shop/gitops', 'tag');
    const fake = new FakeGitHub(files);
    fake.http.on('POST', '/app/installations/:id/access_tokens', () => ({
      status: 201,
      body: {
        token: 'ghs_i',
        expires_at: '2999-01-01T00:00:00Z',
        permissions: {},
        repository_selection: 'all',
      },
    }));
    const server = await createGantryServer(
      {
        port: 0,
        host: '127.0.0.1',
        github: {
          appId: '1',
          privateKey: appPrivateKey(),
          secret: WEBHOOK_SECRET,
          baseUrl: FakeGitHub.origin,
        },
        redisUrl: redis.url,
        botName: 'gantry',
        logLevel: 'silent',
      },
      { githubFetch: fake.http.fetch, log: pino({ level: process.env.E2E_LOG ?? 'silent' }) },
    );
    await server.start();
    try {
      expect(
        (await deliverGitHub(server.url, 'push', githubTagPush(fake, 'v1.6.0'), { delivery: 'r-1' })).status,
      ).toBe(202);
      const deadline = Date.now() + 20_000;
      while (fake.pulls.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(fake.pulls.map((p) => p.head)).toEqual(['gantry/dev/web']);
      const keys = await redis.command('KEYS', 'b_*');
      expect(keys).toMatch(/b_/);
    } finally {
      await server.stop();
    }
  }, 30_000);
});
