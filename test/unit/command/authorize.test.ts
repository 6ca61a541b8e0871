import { describe, expect, it } from 'vitest';
import { decide, type Facts, ruleFor, whoMay } from '../../../src/core/command/authorize.ts';
import type { EnvironmentConfig } from '../../../src/core/config/schema.ts';

const env = (approvers?: EnvironmentConfig['approvers']): EnvironmentConfig => ({
  name: 'prod',
  auto: false,
  ...(approvers ? { approvers } : {}),
});
const facts = (user: string, level: Facts['level'], teams: string[] = []): Facts => ({
  user,
  level,
  raw: level,
  teams: new Set(teams),
});

describe('ruleFor', () => {
  it('lets anyone read, and asks for write access where an environment has no approvers for this forge', () => {
    expect(ruleFor(true, env({ github: ['alice'] }), 'github')).toEqual({ kind: 'anyone' });
    expect(ruleFor(false, undefined, 'github')).toEqual({ kind: 'writers' });
    expect(ruleFor(false, env(), 'gitlab')).toEqual({ kind: 'writers' });
    expect(ruleFor(false, env({ github: ['alice'] }), 'gitlab')).toEqual({ kind: 'writers' });
    expect(ruleFor(false, env({ gitlab: {} }), 'gitlab')).toEqual({ kind: 'writers' });
  });

  it('splits GitHub approvers into users and teams, case-folded, with or without @', () => {
    expect(ruleFor(false, env({ github: ['Alice', '@bob', '@Shop/SRE'] }), 'github')).toEqual({
      kind: 'approvers',
      environment: 'prod',
      users: ['alice', 'bob'],
      teams: ['shop/sre'],
    });
  });

  it('maps GitLab users and minimum roles onto the common scale', () => {
    expect(ruleFor(false, env({ gitlab: { users: ['Dana'], minAccessLevel: 'owner' } }), 'gitlab')).toEqual({
      kind: 'approvers',
      environment: 'prod',
      users: ['dana'],
      teams: [],
      minLevel: 'admin',
    });
    expect(ruleFor(false, env({ gitlab: { minAccessLevel: 'maintainer' } }), 'gitlab')).toMatchObject({
      minLevel: 'maintain',
    });
  });
});

describe('decide', () => {
  const approvers = ruleFor(false, env({ github: ['alice', '@shop/sre'] }), 'github');
  const gitlab = ruleFor(false, env({ gitlab: { users: ['dana'], minAccessLevel: 'maintainer' } }), 'gitlab');

  it('allows a listed user, a member of a listed team, a high enough GitLab role', () => {
    expect(decide(approvers, facts('ALICE', 'write'), 'github', 'shop/gitops')).toEqual({ allowed: true });
    expect(decide(approvers, facts('bob', 'write', ['shop/sre']), 'github', 'shop/gitops')).toEqual({
      allowed: true,
    });
    expect(decide(gitlab, facts('dana', 'write'), 'gitlab', 'g/p')).toEqual({ allowed: true });
    expect(decide(gitlab, facts('erin', 'maintain'), 'gitlab', 'g/p')).toEqual({ allowed: true });
  });

  it('never lets an approver in without write access', () => {
    expect(decide(approvers, facts('alice', 'read'), 'github', 'shop/gitops')).toEqual({
      allowed: false,
      reason:
        '@alice has read access on shop/gitops; this needs write access (GitHub permission write, maintain or admin), and to be an approver of prod (@alice, members of @shop/sre (with write access))',
    });
    expect(decide(gitlab, { ...facts('dana', 'read'), raw: 'reporter' }, 'gitlab', 'g/p')).toEqual({
      allowed: false,
      reason:
        '@dana has the Reporter role on g/p; this needs the Developer role or higher, and to be an approver of prod (@dana, anyone with the Maintainer role or higher (with write access))',
    });
    expect(decide({ kind: 'writers' }, facts('x', 'none'), 'gitlab', 'g/p')).toMatchObject({
      reason:
        '@x has no access on g/p; this needs the Developer role or higher (anyone with the Developer role or higher)',
    });
  });

  it('refuses a writer who is not an approver, naming who is', () => {
    expect(decide(approvers, facts('carol', 'admin'), 'github', 'shop/gitops')).toEqual({
      allowed: false,
      reason:
        'only approvers of prod may run this: @alice, members of @shop/sre (with write access); @carol is not one of them',
    });
    expect(decide(gitlab, facts('erin', 'write'), 'gitlab', 'g/p')).toMatchObject({ allowed: false });
  });

  it('says who may run each kind of rule', () => {
    expect(whoMay({ kind: 'anyone' }, 'github')).toBe('anyone who can comment');
    expect(whoMay({ kind: 'writers' }, 'github')).toBe('anyone with write access');
  });
});
