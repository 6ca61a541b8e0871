import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import type { RecordedRequest } from './fake-http.ts';

/**
 * GitHub's own REST description (`@octokit/openapi`, api.github.com) as a checker for what
 * the adapter sends, and as the source of realistic response bodies for the fakes.
 */

type Json = Record<string, unknown>;

interface Operation {
  template: string;
  pattern: RegExp;
  literalLength: number;
  op: Json;
}

const require = createRequire(import.meta.url);
const specFile = join(
  dirname(require.resolve('@octokit/openapi/package.json')),
  'generated/api.github.com.json',
);
let spec: Json | undefined;
let operations: Map<string, Operation[]> | undefined;

function load(): Json {
  spec ??= JSON.parse(readFileSync(specFile, 'utf8')) as Json;
  return spec;
}

/** Follows a `#/components/...` pointer, however many times. */
function deref<T = Json>(value: unknown): T {
  let current = value as Json;
  while (current && typeof current === 'object' && typeof current.$ref === 'string') {
    current = (current.$ref as string)
      .slice(2)
      .split('/')
      .reduce<Json>((node, key) => node[key] as Json, load());
  }
  return current as T;
}

function parametersOf(op: Json): Json[] {
  return ((op.parameters as unknown[]) ?? []).map((p) => deref(p));
}

function index(): Map<string, Operation[]> {
  if (operations) return operations;
  operations = new Map();
  for (const [template, item] of Object.entries(load().paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item)) {
      const multi = new Set(
        parametersOf(op as Json)
          .filter((p) => p['x-multi-segment'])
          .map((p) => p.name),
      );
      const source = template.replace(/\{([^}]+)\}/g, (_, name: string) =>
        multi.has(name) ? '(.+)' : '([^/]+)',
      );
      const list = operations.get(method.toUpperCase()) ?? [];
      list.push({
        template,
        pattern: new RegExp(`^${source}$`),
        literalLength: template.replace(/\{[^}]+\}/g, '').length,
        op: op as Json,
      });
      operations.set(method.toUpperCase(), list);
    }
  }
  return operations;
}

/** The documented operation a request is for: the matching template with the most literal text. */
export function findOperation(method: string, path: string): Operation | undefined {
  const candidates = (index().get(method.toUpperCase()) ?? []).filter((o) => o.pattern.test(path));
  return candidates.sort((a, b) => b.literalLength - a.literalLength)[0];
}

/** OpenAPI 3.0 `nullable` → JSON Schema, with every `$ref` resolved, for Ajv. */
function toJsonSchema(schema: unknown, depth = 0): unknown {
  if (depth > 30 || !schema || typeof schema !== 'object') return schema;
  if (Array.isArray(schema)) return schema.map((s) => toJsonSchema(s, depth + 1));
  const resolved = deref(schema);
  const out: Json = {};
  for (const [key, value] of Object.entries(resolved)) {
    if (key === 'nullable' || key === 'example' || key === 'examples' || key.startsWith('x-')) continue;
    out[key] =
      key === 'properties' || key === 'patternProperties'
        ? Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, toJsonSchema(v, depth + 1)]))
        : toJsonSchema(value, depth + 1);
  }
  if (resolved.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (resolved.nullable === true && out.enum) out.enum = [...(out.enum as unknown[]), null];
  return out;
}

/** Property names a body schema allows at the top level, across `oneOf`/`anyOf`/`allOf` alternatives. */
function propertiesOf(schema: Json): string[] {
  const own = Object.keys((schema.properties as Json | undefined) ?? {});
  const alternatives = ['oneOf', 'anyOf', 'allOf'].flatMap(
    (key) => (schema[key] as Json[] | undefined) ?? [],
  );
  return [...own, ...alternatives.flatMap(propertiesOf)];
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

/**
 * What is wrong with a request against GitHub's description: unknown path or method, unknown
 * query parameters, missing required body fields, unknown top-level body fields, and any
 * other schema violation of the body. Empty when the request is well-formed.
 */
export function checkGitHubRequest(request: RecordedRequest): string[] {
  const where = `${request.method} ${request.path}`;
  if (request.path === '/graphql') return [];
  const found = findOperation(request.method, request.path);
  if (!found) return [`${where}: no such operation in GitHub's REST description`];
  const problems: string[] = [];
  const queryNames = new Set(
    parametersOf(found.op)
      .filter((p) => p.in === 'query')
      .map((p) => p.name),
  );
  for (const name of Object.keys(request.query)) {
    if (!queryNames.has(name)) problems.push(`${where}: unknown query parameter "${name}"`);
  }
  const schema = deref((found.op.requestBody as Json | undefined)?.content as Json | undefined)?.[
    'application/json'
  ] as Json | undefined;
  if (!schema) {
    if (request.body !== undefined) problems.push(`${where}: sends a body the operation does not take`);
    return problems;
  }
  const bodySchema = toJsonSchema(schema.schema) as Json;
  const body = (request.body ?? {}) as Json;
  for (const name of (bodySchema.required as string[] | undefined) ?? []) {
    if (!(name in body)) problems.push(`${where}: missing required body field "${name}"`);
  }
  const known = new Set(propertiesOf(bodySchema));
  for (const name of Object.keys(body)) {
    if (!known.has(name)) problems.push(`${where}: unknown body field "${name}"`);
  }
  const validate = ajv.compile(bodySchema);
  if (!validate(body)) {
    for (const error of validate.errors ?? [])
      problems.push(`${where}: body${error.instancePath} ${error.message}`);
  }
  return problems;
}

/** A deep copy of the documented example response of an operation (`GET`, `/repos/{owner}/{repo}`). */
export function exampleResponse<T = Json>(method: string, template: string, status = 200): T {
  const op = (load().paths as Record<string, Json>)[template]?.[method.toLowerCase()] as Json | undefined;
  if (!op) throw new Error(`no operation ${method} ${template}`);
  const response = deref((op.responses as Json)[String(status)]);
  const content = (response.content as Json | undefined)?.['application/json'] as Json | undefined;
  const examples = content?.examples as Json | undefined;
  const first = examples ? deref(Object.values(examples)[0]) : undefined;
  if (!first || !('value' in first)) throw new Error(`no example for ${method} ${template} ${status}`);
  return structuredClone(first.value) as T;
}

/** What is wrong with a fake's response body against the operation's documented response schema. */
export function checkGitHubResponse(
  method: string,
  template: string,
  status: number,
  body: unknown,
): string[] {
  const op = (load().paths as Record<string, Json>)[template]?.[method.toLowerCase()] as Json | undefined;
  if (!op) return [`${method} ${template}: no such operation in GitHub's REST description`];
  const response = deref((op.responses as Json)[String(status)]);
  const content = (response?.content as Json | undefined)?.['application/json'] as Json | undefined;
  if (!content) return [`${method} ${template}: no documented JSON response for ${status}`];
  const validate = ajv.compile(toJsonSchema(content.schema) as Json);
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (e) => `${method} ${template} ${status}: response${e.instancePath} ${e.message}`,
  );
}
