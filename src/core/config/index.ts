export { type CanaryIssue, canaryWarnings } from './canary-checks.ts';
export { DEFAULT_CONFIG_PATH, type ExtendsRef, formatExtendsRef } from './extends-ref.ts';
export { type FreezeWindow, freezeAt, parseFreezeWindow } from './freeze.ts';
export { configJsonSchema } from './json-schema.ts';
export {
  type ConfigSource,
  extendedRepo,
  loadConfig,
  MAX_EXTENDS_DEPTH,
  parseConfig,
  type ResolveExtends,
} from './load.ts';
export { expandPath } from './paths.ts';
export type * from './schema.ts';
