import { describe, expect, it } from 'vitest';
import { analyzeNow } from '../../src/app/canary-now.ts';
import type { ChatOpsDeps, CommentEvent } from '../../src/app/comment-event.ts';
import { onComment } from '../../src/app/on-comment.ts';
import { RecentCommands } from '../../src/app/recent-commands.ts';
import { CANARY_GITOPS, canaryComments, canaryWorld, mergePromotion, REPO } from '../support/canary-world.ts';

/**
 * `/gantry canary` typed on an open staging → prod promotion PR (issue #15): it analyses the
 * staging canary that gates the PR — nothing runs in prod yet — and so authorises against
 * staging's rules: a developer who may not touch prod may ask for it.
 */
const GATED = CANARY_GITOPS.replace(
  '    targets: [prod/eu, prod/us]\n',
  '    targets: [prod/eu, prod/us]\n    approvers: { github: ["@shop/sre"] }\n',
);

function chatops(world: ReturnType<typeof canaryWorld>): ChatOpsDeps {
  const deps: ChatOpsDeps = { ...world.deps, recent: new RecentCommands(world.clock) };
  // As the server wires it (bot-runner.ts): the use case behind the command.
  deps.analyzeNow = async (request) => {
    const result = await analyzeNow(deps, {
      repo: request.repo,
      number: request.number,
      ...(request.app ? { app: request.app } : {}),
      ...(request.environment ? { environment: request.environment } : {}),
      ...(request.window ? { window: request.window } : {}),
    });
    return {
      verdict: result.verdict,
      summary: result.results.map((r) => r.summary).join('; '),
      url: result.url,
    };
  };
  return deps;
}

const comment = (number: number, author: string): CommentEvent => ({
  forge: 'github',
  repo: REPO,
  number,
  isPullRequest: true,
  commentId: 7000 + number,
  body: '/gantry canary',
  author,
  authorIsBot: false,
  edited: false,
});

describe('/gantry canary on a promotion PR', () => {
  it('on an open prod PR analyses staging, and a developer without prod rights may ask', async () => {
    const world = canaryWorld(GATED);
    await mergePromotion(world, 'staging');
    await world.jobs.runAll();
    const prod = world.forge.pullRequests.find((p) => p.head === 'gantry/prod/web' && p.state === 'open')!;
    world.forge.permissions.set(`${REPO} dave`, { level: 'write', raw: 'write' });
    const deps = chatops(world);
    await onComment(deps, comment(prod.number, 'dave'));
    const reply = world.forge.comments.filter((c) => c.pullRequest === prod.number).map((c) => c.body);
    expect(reply.find((b) => b.startsWith('🚀 `/gantry canary`'))).toMatch(/canary analysis: \*\*pass\*\*/);
    const [report] = canaryComments(world, prod.number);
    expect(report!.body).toContain('Canary pass: web in staging');
    expect(report!.body).not.toContain('in prod/');
    // The queries asked Prometheus about staging, not prod.
    const asked = world.fake.requests.slice(-2).map((r) => r.query);
    expect(asked.every((q) => q.includes('env="staging"'))).toBe(true);
  });

  it("on a merged prod PR analyses prod, under prod's approver rule", async () => {
    const world = canaryWorld(GATED);
    await mergePromotion(world, 'staging');
    await world.jobs.runAll();
    const prod = world.forge.pullRequests.find((p) => p.head === 'gantry/prod/web' && p.state === 'open')!;
    prod.state = 'merged';
    world.forge.permissions.set(`${REPO} dave`, { level: 'write', raw: 'write' });
    await onComment(chatops(world), comment(prod.number, 'dave'));
    const replies = world.forge.comments.filter((c) => c.pullRequest === prod.number).map((c) => c.body);
    expect(replies.at(-1)).toMatch(/^😕 `\/gantry canary` only approvers of prod may run this/);
  });
});
