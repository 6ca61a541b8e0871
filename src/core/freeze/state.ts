import { Document, parseDocument } from 'yaml';
import * as z from 'zod';
import { strictObject } from '../config/strict.ts';

/**
 * Freezes recorded by `/gantry freeze`: a file in the GitOps repository, committed by gantry
 * on the default branch, so the state lives in git (reviewable, revertable, no database).
 *
 *   version: 1
 *   environments:
 *     prod:
 *       reason: incident 42
 *       by: alice
 *       at: "2026-11-25T12:00:00.000Z"
 *       until: "2026-11-25T14:00:00.000Z"   # optional
 */
export const FREEZE_FILE = '.gantry/freeze.yml';

const instant = z.iso.datetime({ offset: true });

const entry = strictObject({
  reason: z.string().max(1000).optional(),
  by: z.string().min(1).max(255),
  at: instant,
  until: instant.optional(),
});

const file = strictObject({
  version: z.literal(1),
  environments: z.record(z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/), entry).default({}),
});

export type FreezeEntry = z.infer<typeof entry>;

export interface FreezeState {
  environments: Record<string, FreezeEntry>;
  /** Why the file could not be read: every environment then counts as frozen (fail closed). */
  invalid?: string;
}

/** The state in the file's text (null: no file, nothing frozen). Total: a broken file is `invalid`. */
export function readFreezeState(text: string | null): FreezeState {
  if (text === null) return { environments: {} };
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) return { environments: {}, invalid: `${FREEZE_FILE}: ${doc.errors[0]!.message}` };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 }) ?? { version: 1 };
  } catch (error) {
    return { environments: {}, invalid: `${FREEZE_FILE}: ${(error as Error).message}` };
  }
  const parsed = file.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    return { environments: {}, invalid: `${FREEZE_FILE}: ${where}${issue.message}` };
  }
  return { environments: parsed.data.environments };
}

/** The file's text for a state, written by a YAML serialiser (a reason is always data, never YAML). */
export function renderFreezeState(state: FreezeState): string {
  const names = Object.keys(state.environments).sort();
  const doc = new Document({
    version: 1,
    environments: Object.fromEntries(names.map((n) => [n, state.environments[n]])),
  });
  doc.commentBefore =
    ' Written by gantry: `/gantry freeze <env>` and `/gantry unfreeze <env>`.\n' +
    ' A frozen environment gets no automatic promotion; `/gantry promote` needs --force.';
  return doc.toString({ lineWidth: 0 });
}

export function withFreeze(state: FreezeState, env: string, value: FreezeEntry): FreezeState {
  return { environments: { ...state.environments, [env]: value } };
}

export function withoutFreeze(state: FreezeState, env: string): FreezeState {
  const { [env]: _gone, ...rest } = state.environments;
  return { environments: rest };
}
