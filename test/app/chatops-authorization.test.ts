import { describe, expect, it } from 'vitest';
import { onComment } from '../../src/app/on-comment.ts';
import type { PermissionLevel } from '../../src/ports/forge.ts';
import { chatopsWorld, expectNoCommandsIn, type ForgeKind, GITOPS } from '../support/chatops-world.ts';

/**
 * Who may run what, over every combination of role × environment × PR from a fork × author is
 * a bot × edited comment, on both forges. The example's prod lists approvers (GitHub team
 * @shop/sre, GitLab Maintainer or higher); staging lists none (write access suffices).
 * Every denial must leave the forge as it was: its only writes are the 👀 and the reply.
 */

const ROLES: Record<string, { level: PermissionLevel; teams?: string[] }> = {
  nobody: { level: 'none' },
  reader: { level: 'read' },
  'reader-in-sre': { level: 'read', teams: ['shop/sre'] },
  developer: { level: 'write' },
  'developer-in-sre': { level: 'write', teams: ['shop/sre'] },
  maintainer: { level: 'maintain' },
  owner: { level: 'admin' },
};

const ORDER: PermissionLevel[] = ['none', 'read', 'write', 'maintain', 'admin'];
const atLeast = (have: PermissionLevel, need: PermissionLevel) => ORDER.indexOf(have) >= ORDER.indexOf(need);

function mayAct(kind: ForgeKind, role: string, env: 'staging' | 'prod'): boolean {
  const { level, teams = [] } = ROLES[role]!;
  if (!atLeast(level, 'write')) return false;
  if (env === 'staging') return true;
  return kind === 'github' ? teams.includes('shop/sre') : atLeast(level, 'maintain');
}

const COMMANDS = (env: string) => [
  `/gantry promote ${env} --force`,
  `/gantry rollback ${env} --app web`,
  `/gantry freeze ${env} incident`,
  `/gantry unfreeze ${env}`,
];

type Case = [ForgeKind, string, 'staging' | 'prod', string, boolean, boolean, boolean];
const cases: Case[] = [];
for (const kind of ['github', 'gitlab'] as const)
  for (const role of Object.keys(ROLES))
    for (const env of ['staging', 'prod'] as const)
      for (const command of [...COMMANDS(env), '/gantry status'])
        for (const fork of [false, true])
          for (const bot of [false, true])
            for (const edited of [false, true]) cases.push([kind, role, env, command, fork, bot, edited]);

function world(kind: ForgeKind) {
  const w = chatopsWorld(kind);
  // History to roll back to in staging and both prod targets, and a freeze to lift.
  const main = w.forge.filesAt(GITOPS, 'main');
  const bump: Record<string, string> = {};
  for (const path of [
    'apps/web/envs/staging/values.yaml',
    'apps/web/envs/prod/eu-west/values.yaml',
    'apps/web/envs/prod/us-east/values.yaml',
  ])
    bump[path] = main
      .get(path)!
      .replace(/tag: "(\d+)\.(\d+)\.(\d+)"/, (_m, a, b, c) => `tag: "${a}.${b}.${Number(c) + 1}"`);
  w.forge.push(GITOPS, 'main', bump, 'Promote web (#7)');
  w.forge.push(
    GITOPS,
    'main',
    {
      '.gantry/freeze.yml':
        'version: 1\nenvironments:\n  staging: { by: bob, at: "2026-11-25T00:00:00Z" }\n  prod: { by: bob, at: "2026-11-25T00:00:00Z" }\n',
    },
    'Freeze',
  );
  w.forge.calls.length = 0;
  return w;
}

describe('ChatOps authorisation matrix', () => {
  it(`covers ${cases.length} combinations`, () => {
    expect(cases.length).toBe(2 * 7 * 2 * 5 * 8);
  });

  it.each(cases)(
    '%s %s on %s: %s (fork %s, bot %s, edited %s)',
    async (kind, role, env, command, fork, bot, edited) => {
      const { forge, deps, comment, grant } = world(kind);
      grant(role, ROLES[role]!.level, ROLES[role]!.teams);
      const pr = forge.addPullRequest(GITOPS, { head: 'contrib', fromFork: fork });
      const event = comment(command, {
        author: bot ? `${role}[bot]` : role,
        authorIsBot: bot,
        edited,
        number: pr.number,
      });
      const outcome = await onComment(deps, event);
      const reply = forge.comments[0]?.body ?? '';
      expectNoCommandsIn(forge.comments.map((c) => c.body));

      if (bot || edited) {
        expect(outcome.action).toBe('ignored');
        expect(forge.writes()).toEqual([]);
        expect(forge.calls).toEqual([]);
        return;
      }
      const readOnly = command === '/gantry status';
      const denied = !readOnly && (fork || !mayAct(kind, role, env));
      if (denied) {
        expect(forge.writes()).toEqual([
          `addReaction ${GITOPS} eyes`,
          `createComment ${GITOPS} ${pr.number}`,
        ]);
        expect(reply).toMatch(/^😕 /);
        if (fork) expect(reply).toContain('not accepted on pull requests from forks');
        else if (!atLeast(ROLES[role]!.level, 'write'))
          expect(reply).toMatch(
            kind === 'github'
              ? /needs write access \(GitHub permission write, maintain or admin/
              : /needs the Developer role or higher/,
          );
        else
          expect(reply).toContain(
            kind === 'github'
              ? `only approvers of prod may run this: members of @<!-- -->shop/sre (with write access); @<!-- -->${role} is not one of them`
              : `only approvers of prod may run this: anyone with the Maintainer role or higher (with write access); @<!-- -->${role} is not one of them`,
          );
        return;
      }
      expect(reply).toMatch(/^🚀 /);
      const acted = forge
        .writes()
        .filter((w) => !w.startsWith('addReaction') && !w.startsWith('createComment'));
      if (readOnly) expect(acted).toEqual([]);
      else expect(acted[0]).toMatch(/^commit /);
    },
  );
});
