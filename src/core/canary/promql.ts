import { parser } from '@prometheus-io/lezer-promql';
import { ValidationError } from '../errors.ts';

/**
 * Metric queries name where the canary or baseline label matchers go with one placeholder,
 * SELECTOR, standing alone inside a selector's braces: `rate(x{code="500",SELECTOR}[1m])` or
 * `x{SELECTOR}`. Placeholders are found by Prometheus' own grammar (lezer-promql): a label
 * matcher that is the bare name SELECTOR. The word inside a string, a comment or outside braces
 * is not a placeholder. Matchers are inserted as `name="value"` with the value escaped as a
 * PromQL string, then the resolved query is parsed again and refused when it is not valid
 * PromQL — so no configured or typed value can change the query's structure.
 */
export const PLACEHOLDER = 'SELECTOR';

export type Matchers = Readonly<Record<string, string>>;

/** A label value as a double-quoted PromQL string literal (Go escape rules, which JSON's are a subset of). */
export function promqlString(value: string): string {
  // With the u flag this matches only unpaired surrogates, which no PromQL string can hold.
  if (/[\uD800-\uDFFF]/u.test(value))
    throw new ValidationError(`label value ${JSON.stringify(value)} is not valid Unicode`);
  return JSON.stringify(value);
}

/** `name="value",…` for a selector's braces. Label names are validated by the config schema. */
export function formatMatchers(matchers: Matchers): string {
  return Object.entries(matchers)
    .map(([name, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ValidationError(`"${name}" is not a label name`);
      return `${name}=${promqlString(value)}`;
    })
    .join(',');
}

interface Span {
  from: number;
  to: number;
}

type Placeholders = { spans: Span[] } | { problem: string };

/**
 * Templates come from configuration and repeat at every analysis; parsing one with the
 * placeholder (an error the parser has to recover from) costs more than the resolved query.
 */
const placeholderCache = new Map<string, Placeholders>();

/** Where the placeholders of a query template are, or a description of what is wrong. */
export function findPlaceholders(template: string): Placeholders {
  let found = placeholderCache.get(template);
  if (!found) {
    found = scanPlaceholders(template);
    if (placeholderCache.size >= 1000) placeholderCache.clear();
    placeholderCache.set(template, found);
  }
  return found;
}

function scanPlaceholders(template: string): Placeholders {
  const spans: Span[] = [];
  const cursor = parser.parse(template).cursor();
  do {
    if (cursor.name !== 'UnquotedLabelMatcher') continue;
    const node = cursor.node;
    const name = node.getChild('LabelName');
    if (name && !node.getChild('MatchOp') && template.slice(name.from, name.to) === PLACEHOLDER) {
      spans.push({ from: name.from, to: name.to });
    }
  } while (cursor.next());
  if (spans.length > 0) return { spans };
  return {
    problem: template.includes(PLACEHOLDER)
      ? `${PLACEHOLDER} must stand alone inside a selector's braces, e.g. x{${PLACEHOLDER}} or x{code="500",${PLACEHOLDER}}`
      : `query must contain ${PLACEHOLDER} where the canary/baseline label matchers go, e.g. x{${PLACEHOLDER}}`,
  };
}

/** The first syntax error of a PromQL expression, or undefined when it parses. */
export function promqlSyntaxError(query: string): string | undefined {
  if (query.trim() === '') return 'the query is empty';
  const cursor = parser.parse(query).cursor();
  do {
    if (!cursor.type.isError) continue;
    const text = query.slice(cursor.from, cursor.to);
    const column = cursor.from + 1;
    const near = query.slice(Math.max(0, cursor.from - 20), cursor.from);
    return text
      ? `invalid PromQL at column ${column}: unexpected ${JSON.stringify(text)} after "${near}"`
      : cursor.from >= query.trimEnd().length
        ? `invalid PromQL: the query ends too early (after "${near}")`
        : `invalid PromQL at column ${column}: something is missing after "${near}"`;
  } while (cursor.next());
  return undefined;
}

/**
 * The query with every placeholder replaced by `matchers`. Throws ValidationError when the
 * template has no usable placeholder or the result is not valid PromQL.
 */
export function resolveQuery(template: string, matchers: Matchers): string {
  const found = findPlaceholders(template);
  if ('problem' in found) throw new ValidationError(found.problem);
  const inserted = formatMatchers(matchers);
  if (inserted === '') throw new ValidationError('the selector has no label matchers');
  const query = resolveSpans(template, found.spans, inserted);
  const error = promqlSyntaxError(query);
  if (error) throw new ValidationError(error);
  return query;
}

/**
 * Problems of a query template, for configuration checks: the placeholder, and the PromQL
 * syntax once a sample selector is in place.
 */
export function queryTemplateProblems(template: string): string[] {
  const found = findPlaceholders(template);
  if ('problem' in found) return [found.problem];
  // A sample matcher exactly as long as the placeholder keeps error columns those of the template.
  const error = promqlSyntaxError(resolveSpans(template, found.spans, 'ab="xyz"'));
  return error ? [error] : [];
}

/** The template with a sample matcher in place of SELECTOR, for reading its structure; undefined if unusable. */
export function sampleQuery(template: string): string | undefined {
  const found = findPlaceholders(template);
  if ('problem' in found) return undefined;
  const query = resolveSpans(template, found.spans, 'ab="xyz"');
  return promqlSyntaxError(query) ? undefined : query;
}

function resolveSpans(template: string, spans: Span[], inserted: string): string {
  let query = '';
  let at = 0;
  for (const span of spans) {
    query += template.slice(at, span.from) + inserted;
    at = span.to;
  }
  return query + template.slice(at);
}

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
  y: 31536000,
};

/** Seconds of a PromQL duration such as `1m`, `90s` or `1h30m`; undefined for anything else. */
export function durationSeconds(text: string): number | undefined {
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(text)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) {
    seconds += Number(amount) * UNIT_SECONDS[unit!]!;
  }
  return seconds;
}

/**
 * The range of the query's range selectors (`x[1m]`) when they all use the same one, in
 * seconds; undefined when there is none, they differ, or one is not a plain duration.
 */
export function uniformRangeSeconds(query: string): number | undefined {
  const ranges = new Set<number | undefined>();
  const cursor = parser.parse(query).cursor();
  do {
    if (cursor.name !== 'MatrixSelector') continue;
    const duration = cursor.node.getChild('DurationExpr');
    ranges.add(duration ? durationSeconds(query.slice(duration.from, duration.to)) : undefined);
  } while (cursor.next());
  if (ranges.size !== 1) return undefined;
  return [...ranges][0];
}
