import type { Scalar } from 'yaml';
import { ValidationError } from '../../errors.ts';
import { applyEdits, setScalar } from '../../yaml-edit/edits.ts';
import { scanScalar } from '../../yaml-edit/fast-scalar.ts';
import { insertPath } from '../../yaml-edit/insert-path.ts';
import { MissingKeyError, resolveScalar } from '../../yaml-edit/resolve.ts';
import { renderScalar } from '../../yaml-edit/scalar.ts';
import { openScope, type ScopeSettings, segmentsOf } from '../../yaml-edit/scope.ts';
import type { ArtifactState } from '../artifact-state.ts';
import { expectVersion } from './kustomize-image.ts';
import type { BaseFile, Updater } from './updater.ts';

/**
 * A scalar at a key path in a values file, e.g. `image.tag` (or inside a block scalar of
 * embedded YAML, `in:`): the version is its text. With base files (layered Helm values), a key
 * the file lacks is inherited from the highest-precedence base that has it, and a promotion
 * that changes it adds the key to the file.
 */
export const helmValue: Updater<ScopeSettings> = {
  read(path, content, settings, bases = []) {
    const fast = scanned(content, settings);
    if (fast) return { kind: 'version', version: { tag: fast.value } };
    try {
      return { kind: 'version', version: { tag: locate(path, content, settings).value } };
    } catch (error) {
      if (!(error instanceof MissingKeyError)) throw error;
      if (bases.length === 0) throw withBaseHint(error, settings);
      return inherited(settings, bases, error);
    }
  },

  write(path, content, settings, state, bases = []) {
    const version = expectVersion(path, state);
    if (version.tag === undefined || version.digest !== undefined) {
      throw new ValidationError(
        `${path}: ${settings.key}: a helm value holds one string; got ${JSON.stringify(version)}`,
      );
    }
    const tag = version.tag;
    const fast = scanned(content, settings);
    if (fast) {
      const insert = renderScalar({ type: fast.type } as Scalar, tag, false);
      return {
        content: applyEdits(content, [{ start: fast.start, end: fast.end, insert }]),
        previous: { kind: 'version', version: { tag: fast.value } },
      };
    }
    const scope = within(settings, () => openScope(path, content, settings));
    let located: ReturnType<typeof resolveScalar>;
    try {
      located = within(settings, () => resolveScalar(scope.file, scope.key, scope.filter));
    } catch (error) {
      if (!(error instanceof MissingKeyError)) throw error;
      if (bases.length === 0) throw withBaseHint(error, settings);
      const previous = inherited(settings, bases, error);
      if (previous.kind === 'version' && previous.version.tag === tag) return { content, previous };
      const edit = scope.toOuter(insertPath(scope.file, scope.key, tag, scope.filter));
      return { content: applyEdits(content, [edit]), previous };
    }
    const inFlow = (located.parent as { flow?: boolean } | undefined)?.flow === true;
    const edit = scope.toOuter(setScalar(scope.file.text, located.node, tag, inFlow));
    return {
      content: applyEdits(content, [edit]),
      previous: { kind: 'version', version: { tag: located.value } },
    };
  },
};

/** The line scan for the common case (plain keys in one plain file); undefined: parse the file. */
function scanned(content: string, settings: ScopeSettings) {
  if (settings.in !== undefined || settings.document !== undefined) return undefined;
  return scanScalar(content, segmentsOf(settings.key));
}

function locate(path: string, content: string, settings: ScopeSettings) {
  return within(settings, () => {
    const scope = openScope(path, content, settings);
    return resolveScalar(scope.file, scope.key, scope.filter);
  });
}

/** The version from the highest-precedence base that has the key (bases come lowest first). */
function inherited(
  settings: ScopeSettings,
  bases: readonly BaseFile[],
  missing: MissingKeyError,
): ArtifactState {
  for (const base of [...bases].reverse()) {
    if (base.content === null) continue;
    try {
      const { value } = locate(base.path, base.content, settings);
      return { kind: 'version', version: { tag: value }, origin: base.path };
    } catch (error) {
      if (!(error instanceof MissingKeyError)) throw error;
    }
  }
  const names = bases.map((b) => (b.content === null ? `${b.path} (absent)` : b.path)).join(', ');
  throw new MissingKeyError(`${missing.message}; not in its base file(s) either: ${names}`);
}

/** A key missing from a values file may be inherited from a shared one gantry was not told about. */
function withBaseHint(error: MissingKeyError, settings: ScopeSettings): MissingKeyError {
  if (settings.in !== undefined || settings.document !== undefined) return error;
  return new MissingKeyError(
    `${error.message}; if the file inherits it from a shared values file, name that file in \`base:\``,
  );
}

/** Errors inside embedded YAML say which block they are about. */
function within<T>(settings: ScopeSettings, run: () => T): T {
  if (settings.in === undefined) return run();
  try {
    return run();
  } catch (error) {
    if (!(error instanceof ValidationError) || error.message.includes(`in: ${settings.in}`)) throw error;
    const Kind = error instanceof MissingKeyError ? MissingKeyError : ValidationError;
    throw new Kind(`${error.message} (inside the block at in: ${settings.in})`);
  }
}
