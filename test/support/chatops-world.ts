import { expect } from 'vitest';
import type { ChatOpsDeps, CommentEvent } from '../../src/app/comment-event.ts';
import { noLog } from '../../src/app/deps.ts';
import { KeyedLock } from '../../src/app/keyed-lock.ts';
import { RecentCommands } from '../../src/app/recent-commands.ts';
import { parseComment } from '../../src/core/command/parse.ts';
import { fixedClock } from '../../src/ports/clock.ts';
import type { PermissionLevel } from '../../src/ports/forge.ts';
import { APP_REPO_CONFIG, exampleGitops, seedExampleGitops } from './gitops-fixture.ts';
import { MemoryForge } from './memory-forge.ts';

export type ForgeKind = 'github' | 'gitlab';
export const GITOPS = 'shop/gitops';

const RAW: Record<ForgeKind, Record<PermissionLevel, string>> = {
  github: { none: 'none', read: 'read', write: 'write', maintain: 'maintain', admin: 'admin' },
  gitlab: { none: 'no_access', read: 'reporter', write: 'developer', maintain: 'maintainer', admin: 'owner' },
};

/** 2026-11-25 is a Wednesday: outside the example's "Fri 16:00 - Mon 08:00 Europe/Berlin" freeze. */
export const WEDNESDAY = '2026-11-25T12:00:00Z';
export const FRIDAY_EVENING = '2026-11-27T16:00:00Z';

/**
 * The example GitOps repository (and the app repository shop/web) on a MemoryForge of one
 * kind, a human PR to comment on (#1), and comment events from users with given rights.
 */
export function chatopsWorld(kind: ForgeKind, now = WEDNESDAY, files = exampleGitops()) {
  const forge = new MemoryForge(kind);
  seedExampleGitops(forge, GITOPS, files);
  forge.seed('shop/web', { '.gantry.yml': APP_REPO_CONFIG, Dockerfile: 'FROM scratch\n' });
  const pr = forge.addPullRequest(GITOPS, { head: 'feature/tweak', author: 'carol' });
  const clock = fixedClock(new Date(now));
  const deps: ChatOpsDeps = {
    forge,
    forgeFor: async () => forge,
    clock,
    log: noLog,
    lock: new KeyedLock(),
    recent: new RecentCommands(clock),
    botName: 'gantry-bot',
  };
  let ids = 9000;
  const comment = (body: string, fields: Partial<CommentEvent> = {}): CommentEvent => ({
    forge: kind,
    repo: GITOPS,
    number: pr.number,
    isPullRequest: true,
    commentId: ids++,
    body,
    author: 'alice',
    authorIsBot: false,
    edited: false,
    ...fields,
  });
  /** Rights on the GitOps repository, in the forge's own words. */
  const grant = (user: string, level: PermissionLevel, teams: string[] = []) => {
    forge.permissions.set(`${GITOPS} ${user}`, { level, raw: RAW[kind][level] });
    for (const team of teams) forge.teams.set(team, [...(forge.teams.get(team) ?? []), user]);
  };
  /** alice may do everything: write, and an approver of prod on both forges. */
  grant('alice', kind === 'gitlab' ? 'maintain' : 'write', kind === 'github' ? ['shop/sre'] : []);
  const replies = () => forge.comments.map((c) => c.body);
  return { forge, deps, clock, pr, comment, grant, replies };
}

/** Every reply gantry wrote is plain data to gantry's own parser: no reply is ever a command. */
export function expectNoCommandsIn(bodies: readonly string[]): void {
  for (const body of bodies) expect(parseComment(body, { botName: 'gantry-bot' })).toEqual({ kind: 'none' });
}
