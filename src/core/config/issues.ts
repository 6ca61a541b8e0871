import type * as z from 'zod';
import type { ConfigIssue } from '../errors.ts';
import { didYouMean } from '../text/did-you-mean.ts';
import { formatPath, locate, type Tree } from './yaml-tree.ts';

/** A schema or rule violation, with the path it concerns, turned into a located issue. */
export function locateIssue(
  tree: Tree,
  path: readonly PropertyKey[],
  message: string,
  at: 'key' | 'value' = 'value',
): ConfigIssue {
  return { ...locate(tree, path, at), path: formatPath(path), message };
}

/** Zod issues in gantry's words: what was expected and what was found. */
export function fromZodIssues(tree: Tree, issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  return issues.flatMap((issue) => {
    const path = issue.path as PropertyKey[];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // Report the branch that got furthest (the most specific errors), not "invalid input".
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0]!;
      if (depth(best) > 0)
        return fromZodIssues(
          tree,
          best.map((i) => ({ ...i, path: [...path, ...i.path] })),
        );
      return [locateIssue(tree, path, `expected ${issue.errors.map((e) => expectedOf(e[0])).join(' or ')}`)];
    }
    const unknownKey =
      issue.code === 'custom' && (issue.params as { unknownKey?: boolean } | undefined)?.unknownKey;
    return [
      locateIssue(tree, path, describe(issue), unknownKey || issue.code === 'invalid_key' ? 'key' : 'value'),
    ];
  });
}

function depth(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(
    ...issues.map((i) => (i.code === 'invalid_type' && i.path.length === 0 ? 0 : i.path.length + 1)),
  );
}

function expectedOf(issue: z.core.$ZodIssue | undefined): string {
  if (issue?.code === 'invalid_type') return article(issue.expected);
  if (issue?.code === 'invalid_format') return `a valid ${issue.format}`;
  return 'a valid value';
}

function article(type: string): string {
  if (type === 'object') return 'a mapping';
  if (type === 'array') return 'a list';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function received(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return `"${input.length > 60 ? `${input.slice(0, 57)}...` : input}"`;
  return `${typeof input} ${String(input)}`;
}

function describe(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined
        ? `required field is missing; expected ${article(issue.expected)}`
        : `expected ${article(issue.expected)}, got ${received(input)}`;
    case 'invalid_value':
      if (input === undefined)
        return `required field is missing; expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
      return issue.values.length === 1
        ? `expected ${JSON.stringify(issue.values[0])}, got ${received(input)}`
        : `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${received(input)}`;
    case 'invalid_union': {
      // Discriminated unions: the discriminator value was not one of the options.
      const { discriminator, options } = issue as { discriminator?: string; options?: unknown[] };
      if (discriminator === undefined || !options) return issue.message;
      const value = (input as Record<string, unknown> | undefined)?.[discriminator];
      const names = options.map(String);
      const hint = typeof value === 'string' ? didYouMean(value, names) : '';
      return `expected one of ${names.map((o) => JSON.stringify(o)).join(', ')}, got ${received(value)}${hint}`;
    }
    case 'too_small':
      return issue.origin === 'array'
        ? `expected at least ${issue.minimum} item(s)`
        : `expected ${issue.inclusive ? '≥' : '>'} ${issue.minimum}${issue.origin === 'string' ? ' characters' : ''}, got ${received(input)}`;
    case 'too_big':
      return `expected ${issue.inclusive ? '≤' : '<'} ${issue.maximum}, got ${received(input)}`;
    case 'invalid_format':
      return `${issue.message.startsWith('Invalid') ? `expected a valid ${issue.format}` : issue.message}, got ${received(input)}`;
    case 'invalid_key':
      return issue.issues.map(describe).join('; ');
    default:
      return issue.message;
  }
}
