import { describe, expect, it } from 'vitest';
import { type FreezeWindow, freezeAt, parseFreezeWindow } from '../../../src/core/config/index.ts';

function window(text: string): FreezeWindow {
  const parsed = parseFreezeWindow(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.window;
}

describe('freeze windows', () => {
  const weekend = window('Fri 16:00 - Mon 08:00 Europe/Berlin');

  it.each([
    ['2026-11-20T14:59:00Z', false, undefined], // Fri 15:59 Berlin (CET, UTC+1)
    ['2026-11-20T15:00:00Z', true, '2026-11-23T07:00:00.000Z'], // Fri 16:00 Berlin
    ['2026-11-22T12:00:00Z', true, '2026-11-23T07:00:00.000Z'], // Sunday
    ['2026-11-23T06:59:00Z', true, '2026-11-23T07:00:00.000Z'], // Mon 07:59 Berlin
    ['2026-11-23T07:00:00Z', false, undefined], // Mon 08:00 Berlin: open again
    ['2026-11-25T12:00:00Z', false, undefined], // Wednesday
    ['2026-07-17T14:00:00Z', true, '2026-07-20T06:00:00.000Z'], // summer time: Fri 16:00 CEST = 14:00Z
  ])('weekly window at %s → frozen %s until %s', (at, frozen, until) => {
    const result = freezeAt(weekend, new Date(at));
    expect(result.frozen).toBe(frozen);
    if (result.frozen) expect(result.until.toISOString()).toBe(until);
  });

  it('ends a window that spans a DST change at the right instant', () => {
    // Europe/Berlin moves from CET to CEST on Sunday 2026-03-29.
    const result = freezeAt(weekend, new Date('2026-03-28T12:00:00Z'));
    expect(result).toEqual({ frozen: true, until: new Date('2026-03-30T06:00:00Z') });
  });

  it('handles one-off windows in their own time zone', () => {
    const holidays = window('2026-12-23 00:00 - 2027-01-04 08:00 Europe/Berlin');
    expect(freezeAt(holidays, new Date('2026-12-22T22:59:00Z')).frozen).toBe(false);
    expect(freezeAt(holidays, new Date('2026-12-22T23:00:00Z'))).toEqual({
      frozen: true,
      until: new Date('2027-01-04T07:00:00Z'),
    });
    expect(freezeAt(holidays, new Date('2027-01-04T07:00:00Z')).frozen).toBe(false);
  });

  it('wraps a weekly window around the end of the week', () => {
    const satToTue = window('Sat 00:00 - Tue 00:00 UTC');
    expect(freezeAt(satToTue, new Date('2026-11-23T10:00:00Z'))).toEqual({
      frozen: true,
      until: new Date('2026-11-24T00:00:00Z'),
    });
  });

  it.each([
    ['Fri 16:00 to Mon 08:00 UTC', /invalid freeze window/],
    ['Fri 25:00 - Mon 08:00 UTC', /invalid time of day/],
    ['Fri 16:00 - Fri 16:00 UTC', /is empty/],
    ['2026-02-30 00:00 - 2026-03-02 00:00 UTC', /invalid date/],
    ['2026-03-02 00:00 - 2026-03-01 00:00 UTC', /ends before it starts/],
    ['Fri 16:00 - Mon 08:00 Moon/Base', /unknown time zone "Moon\/Base"/],
  ])('rejects %s', (text, message) => {
    const parsed = parseFreezeWindow(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});
