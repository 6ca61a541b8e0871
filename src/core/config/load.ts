import { ConfigError, type ConfigIssue } from '../errors.ts';
import { checkConfig } from './checks.ts';
import { decodeConfigBytes } from './decode.ts';
import { type ExtendsRef, formatExtendsRef, parseExtendsRef } from './extends-ref.ts';
import { fromZodIssues, locateIssue } from './issues.ts';
import { mergeTrees, withoutExtends } from './merge.ts';
import { configSchema, type GantryConfig } from './schema.ts';
import { parseYamlTree, type Tree, toPlain } from './yaml-tree.ts';

export interface ConfigSource {
  /** The name errors are reported under, e.g. `.gantry.yml` or `shop/.github:gantry.yml`. */
  file: string;
  content: Uint8Array | string;
}

/** Fetches the file an `extends:` names. Throws NotFoundError when it does not exist. */
export type ResolveExtends = (ref: ExtendsRef, from: ConfigSource) => Promise<ConfigSource>;

/** How many files an `extends:` chain may span. */
export const MAX_EXTENDS_DEPTH = 5;

/**
 * Loads a configuration file and the chain it extends, validates the merged result and
 * returns it, or throws a ConfigError listing every problem with file, line and column.
 * I/O happens only through `resolve`, so this stays pure apart from what it is handed.
 */
export async function loadConfig(source: ConfigSource, resolve?: ResolveExtends): Promise<GantryConfig> {
  const tree = await loadTree(source, resolve, []);
  return validateTree(tree);
}

/** The same without `extends:` support, for callers that have a single file in hand. */
export function parseConfig(source: ConfigSource): GantryConfig {
  const tree = parseTree(source);
  const ref = extendsOf(tree, source);
  if (ref !== undefined) {
    throw new ConfigError([
      locateIssue(tree, ['extends'], 'extends is not supported here; load the file with its chain'),
    ]);
  }
  return validateTree(tree);
}

function parseTree(source: ConfigSource): Tree {
  const decoded = decodeConfigBytes(source.file, source.content);
  if (!decoded.ok) throw new ConfigError([decoded.issue]);
  const parsed = parseYamlTree(source.file, decoded.text);
  if (!parsed.ok) throw new ConfigError(parsed.issues);
  return parsed.tree;
}

async function loadTree(
  source: ConfigSource,
  resolve: ResolveExtends | undefined,
  chain: string[],
): Promise<Tree> {
  const tree = parseTree(source);
  const ref = extendsOf(tree, source);
  if (ref === undefined) return tree;
  const fail = (message: string): never => {
    throw new ConfigError([locateIssue(tree, ['extends'], message)]);
  };
  if (!resolve) fail('extends cannot be resolved here');
  const key = formatExtendsRef(ref);
  if (chain.includes(key) || key === source.file)
    fail(`extends forms a cycle: ${[...chain, source.file, key].join(' → ')}`);
  if (chain.length + 1 >= MAX_EXTENDS_DEPTH) fail(`extends chain is deeper than ${MAX_EXTENDS_DEPTH} files`);
  let base: ConfigSource;
  try {
    base = await resolve!(ref, source);
  } catch (error) {
    return fail(`cannot read "${key}": ${(error as Error).message}`);
  }
  const baseTree = await loadTree(base, resolve, [...chain, source.file]);
  return mergeTrees(withoutExtends(baseTree), withoutExtends(tree));
}

/**
 * The repository a configuration file's `extends:` names (`owner/repo`; a bare `repo` takes
 * the owner of `repo`, as loading does), or undefined. How a repository holding one
 * environment says it belongs to the repository whose .gantry.yml describes the others.
 * Throws ConfigError when the file or its `extends:` is malformed.
 */
export function extendedRepo(source: ConfigSource, repo: string): string | undefined {
  const ref = extendsOf(parseTree(source), source);
  if (ref?.kind !== 'repo') return undefined;
  return `${ref.owner ?? repo.slice(0, repo.lastIndexOf('/'))}/${ref.repo}`;
}

function extendsOf(tree: Tree, source: ConfigSource): ExtendsRef | undefined {
  if (tree.kind !== 'map') return undefined;
  const node = tree.entries.get('extends')?.value;
  if (node === undefined) return undefined;
  if (node.kind !== 'scalar' || typeof node.value !== 'string') {
    throw new ConfigError([
      locateIssue(tree, ['extends'], 'expected a string such as "owner/repo" or "./base.yml"'),
    ]);
  }
  const ref = parseExtendsRef(node.value, source.file);
  if (typeof ref === 'string') throw new ConfigError([locateIssue(tree, ['extends'], ref)]);
  return ref;
}

function validateTree(tree: Tree): GantryConfig {
  const plain = toPlainValue(tree);
  const result = configSchema.safeParse(plain, { reportInput: true });
  if (!result.success) throw new ConfigError(sortIssues(fromZodIssues(tree, result.error.issues)));
  const semantic = checkConfig(result.data);
  if (semantic.length > 0)
    throw new ConfigError(sortIssues(semantic.map((i) => locateIssue(tree, i.path, i.message))));
  return result.data;
}

function toPlainValue(tree: Tree): unknown {
  // An empty document is an empty mapping, so the error is "version is missing", not "expected a mapping".
  return tree.kind === 'scalar' && tree.value === null ? {} : toPlain(tree);
}

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}
