/**
 * Freeze windows: when promotions into an environment are refused.
 *
 *   weekly:   "Fri 16:00 - Mon 08:00 Europe/Berlin"   (wall-clock time in that zone)
 *   one-off:  "2026-12-20 00:00 - 2027-01-04 08:00 UTC"
 *
 * Pure: time zones come from the ECMAScript Intl API, no I/O.
 */

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const MINUTES_PER_WEEK = 7 * 24 * 60;

export type FreezeWindow =
  | { kind: 'weekly'; start: number; end: number; timeZone: string; text: string }
  | { kind: 'once'; start: WallTime; end: WallTime; timeZone: string; text: string };

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const WEEKLY = /^([A-Za-z]{3})\s+(\d{1,2}):(\d{2})\s*-\s*([A-Za-z]{3})\s+(\d{1,2}):(\d{2})\s+(\S+)$/;
const ONCE =
  /^(\d{4})-(\d{2})-(\d{2})\s+(\d{1,2}):(\d{2})\s*-\s*(\d{4})-(\d{2})-(\d{2})\s+(\d{1,2}):(\d{2})\s+(\S+)$/;

export function parseFreezeWindow(
  text: string,
): { ok: true; window: FreezeWindow } | { ok: false; error: string } {
  const expected =
    'expected "Fri 16:00 - Mon 08:00 Europe/Berlin" (weekly) or "2026-12-20 00:00 - 2027-01-04 08:00 UTC" (one-off)';
  const trimmed = text.trim();
  const weekly = WEEKLY.exec(trimmed);
  if (weekly) {
    const [, d1, h1, m1, d2, h2, m2, tz] = weekly as unknown as string[];
    const startDay = DAYS.indexOf(d1!.toLowerCase() as (typeof DAYS)[number]);
    const endDay = DAYS.indexOf(d2!.toLowerCase() as (typeof DAYS)[number]);
    if (startDay < 0 || endDay < 0) return { ok: false, error: `unknown weekday in "${text}"; ${expected}` };
    const start = clock(h1!, m1!);
    const end = clock(h2!, m2!);
    if (start === undefined || end === undefined)
      return { ok: false, error: `invalid time of day in "${text}"` };
    if (!validTimeZone(tz!))
      return {
        ok: false,
        error: `unknown time zone "${tz}" (use an IANA name such as Europe/Berlin or UTC)`,
      };
    const s = startDay * 1440 + start;
    const e = endDay * 1440 + end;
    if (s === e) return { ok: false, error: `freeze window "${text}" is empty` };
    return { ok: true, window: { kind: 'weekly', start: s, end: e, timeZone: tz!, text } };
  }
  const once = ONCE.exec(trimmed);
  if (once) {
    const n = once.slice(1, 11).map(Number);
    const tz = once[11]!;
    const start = wall(n.slice(0, 5));
    const end = wall(n.slice(5, 10));
    if (!start || !end) return { ok: false, error: `invalid date or time in "${text}"` };
    if (!validTimeZone(tz))
      return {
        ok: false,
        error: `unknown time zone "${tz}" (use an IANA name such as Europe/Berlin or UTC)`,
      };
    if (compareWall(start, end) >= 0)
      return { ok: false, error: `freeze window "${text}" ends before it starts` };
    return { ok: true, window: { kind: 'once', start, end, timeZone: tz, text } };
  }
  return { ok: false, error: `invalid freeze window "${text}"; ${expected}` };
}

/** Whether `at` falls inside the window, and if so the instant the window ends. */
export function freezeAt(window: FreezeWindow, at: Date): { frozen: false } | { frozen: true; until: Date } {
  const local = wallTimeIn(at, window.timeZone);
  if (window.kind === 'once') {
    if (compareWall(local, window.start) >= 0 && compareWall(local, window.end) < 0) {
      return { frozen: true, until: instantOf(window.end, window.timeZone) };
    }
    return { frozen: false };
  }
  const now = weekMinute(local);
  const length = (window.end - window.start + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
  const elapsed = (now - window.start + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
  if (elapsed >= length) return { frozen: false };
  const remaining = length - elapsed;
  // Step in wall-clock minutes from the local time, then map back to an instant (DST-safe).
  const endLocal = addMinutes(local, remaining);
  return { frozen: true, until: instantOf(endLocal, window.timeZone) };
}

function clock(h: string, m: string): number | undefined {
  const hour = Number(h);
  const minute = Number(m);
  return hour <= 23 && minute <= 59 ? hour * 60 + minute : hour === 24 && minute === 0 ? 1440 : undefined;
}

function wall([year, month, day, hour, minute]: number[]): WallTime | undefined {
  const t: WallTime = { year: year!, month: month!, day: day!, hour: hour!, minute: minute! };
  const probe = new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute));
  const same =
    probe.getUTCFullYear() === t.year &&
    probe.getUTCMonth() === t.month - 1 &&
    probe.getUTCDate() === t.day &&
    probe.getUTCHours() === t.hour &&
    probe.getUTCMinutes() === t.minute;
  return same ? t : undefined;
}

function validTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function compareWall(a: WallTime, b: WallTime): number {
  return (
    Date.UTC(a.year, a.month - 1, a.day, a.hour, a.minute) -
    Date.UTC(b.year, b.month - 1, b.day, b.hour, b.minute)
  );
}

function wallTimeIn(at: Date, timeZone: string): WallTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
  };
}

function weekMinute(t: WallTime): number {
  const weekday = new Date(Date.UTC(t.year, t.month - 1, t.day)).getUTCDay();
  return weekday * 1440 + t.hour * 60 + t.minute;
}

function addMinutes(t: WallTime, minutes: number): WallTime {
  const d = new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute) + minutes * 60_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
  };
}

/** The instant whose wall-clock time in `timeZone` is `t` (the later one when DST repeats an hour). */
function instantOf(t: WallTime, timeZone: string): Date {
  const naive = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute);
  let guess = naive;
  for (let i = 0; i < 3; i++) {
    const seen = wallTimeIn(new Date(guess), timeZone);
    guess += naive - Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute);
  }
  return new Date(guess);
}
