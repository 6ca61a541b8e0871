import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EnvironmentConfig } from '../../../src/core/config/schema.ts';
import { describeFreeze, frozen } from '../../../src/core/freeze/frozen.ts';
import {
  type FreezeState,
  readFreezeState,
  renderFreezeState,
  withFreeze,
  withoutFreeze,
} from '../../../src/core/freeze/state.ts';

const at = '2026-11-25T12:00:00.000Z';

describe('.gantry/freeze.yml', () => {
  it('round-trips, sorted by environment, with a comment saying who writes it', () => {
    let state: FreezeState = { environments: {} };
    state = withFreeze(state, 'staging', { by: 'bob', at });
    state = withFreeze(state, 'prod', {
      reason: 'incident 42',
      by: 'alice',
      at,
      until: '2026-11-25T14:00:00.000Z',
    });
    const text = renderFreezeState(state);
    expect(text).toBe(`# Written by gantry: \`/gantry freeze <env>\` and \`/gantry unfreeze <env>\`.
# A frozen environment gets no automatic promotion; \`/gantry promote\` needs --force.

version: 1
environments:
  prod:
    reason: incident 42
    by: alice
    at: 2026-11-25T12:00:00.000Z
    until: 2026-11-25T14:00:00.000Z
  staging:
    by: bob
    at: 2026-11-25T12:00:00.000Z
`);
    expect(readFreezeState(text)).toEqual(state);
    expect(readFreezeState(renderFreezeState(withoutFreeze(state, 'prod')))).toEqual({
      environments: { staging: { by: 'bob', at } },
    });
  });

  it('writes any reason as data: whatever it holds, it reads back unchanged and adds no key', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'grapheme' }), (reason) => {
        const state = withFreeze({ environments: {} }, 'prod', { reason, by: 'alice', at });
        expect(readFreezeState(renderFreezeState(state))).toEqual(state);
      }),
    );
    const hostile = 'x: y\n  evil: true\n- &a [*a] # "\' {} !!python/object ---';
    const state = withFreeze({ environments: {} }, 'prod', { reason: hostile, by: 'alice', at });
    expect(readFreezeState(renderFreezeState(state)).environments.prod).toEqual({
      reason: hostile,
      by: 'alice',
      at,
    });
  });

  it('reads a missing or empty file as nothing frozen', () => {
    expect(readFreezeState(null)).toEqual({ environments: {} });
    expect(readFreezeState('')).toEqual({ environments: {} });
  });

  it.each([
    ['not YAML', 'environments: [', /^\.gantry\/freeze\.yml: /],
    [
      'an unknown key',
      'version: 1\nenvironments:\n  prod: { by: a, at: "2026-01-01T00:00:00Z", reson: x }\n',
      /reson/,
    ],
    [
      'a date that is not one',
      'version: 1\nenvironments:\n  prod: { by: a, at: yesterday }\n',
      /environments\.prod\.at/,
    ],
    ['a duplicate key', 'version: 1\nversion: 1\n', /unique|duplicate/i],
    ['a wrong version', 'version: 2\n', /version/],
    [
      'an alias bomb',
      `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
      /alias/i,
    ],
  ])('marks a file with %s invalid, which freezes everything', (_name, text, message) => {
    const state = readFreezeState(text);
    expect(state.invalid).toMatch(message);
    const freeze = frozen({ name: 'dev', auto: true }, state, new Date(at));
    expect(freeze).toMatchObject({ frozen: true, source: 'invalid' });
    expect(describeFreeze(freeze as Exclude<typeof freeze, { frozen: false }>)).toMatch(
      /^treated as frozen: /,
    );
  });
});

describe('frozen(env, config, state, now)', () => {
  const prod: EnvironmentConfig = {
    name: 'prod',
    auto: false,
    freeze: ['Fri 16:00 - Mon 08:00 Europe/Berlin'],
  };
  const friday = new Date('2026-11-27T16:00:00Z'); // 17:00 in Berlin
  const wednesday = new Date('2026-11-25T12:00:00Z');

  it('is not frozen outside windows and without a recorded freeze', () => {
    expect(frozen(prod, { environments: {} }, wednesday)).toEqual({ frozen: false });
    expect(frozen(prod, withFreeze({ environments: {} }, 'staging', { by: 'a', at }), wednesday)).toEqual({
      frozen: false,
    });
  });

  it('is frozen inside a configured window, until its end', () => {
    const freeze = frozen(prod, { environments: {} }, friday);
    expect(freeze).toEqual({
      frozen: true,
      source: 'window',
      until: new Date('2026-11-30T07:00:00.000Z'),
      window: 'Fri 16:00 - Mon 08:00 Europe/Berlin',
    });
    expect(describeFreeze(freeze as never)).toBe(
      'frozen until 2026-11-30T07:00:00.000Z (freeze window "Fri 16:00 - Mon 08:00 Europe/Berlin")',
    );
  });

  it('prefers a recorded freeze, which names who and why, and ends it at its until', () => {
    const state = withFreeze({ environments: {} }, 'prod', {
      reason: 'incident 42',
      by: 'alice',
      at,
      until: '2026-11-25T14:00:00.000Z',
    });
    const freeze = frozen(prod, state, wednesday);
    expect(describeFreeze(freeze as never)).toBe(
      'frozen until 2026-11-25T14:00:00.000Z by alice since 2026-11-25T12:00:00.000Z: incident 42',
    );
    expect(frozen(prod, state, new Date('2026-11-25T14:00:00.000Z'))).toEqual({ frozen: false });
    const forever = withFreeze({ environments: {} }, 'prod', { by: 'alice', at });
    expect(describeFreeze(frozen(prod, forever, friday) as never)).toBe(
      'frozen until unfrozen by alice since 2026-11-25T12:00:00.000Z',
    );
  });
});
