import { isScalar, isSeq, type Node, type Scalar, type YAMLSeq } from 'yaml';
import { parseImageReference } from '../../build/image-ref.ts';
import { ValidationError } from '../../errors.ts';
import { applyEdits, setScalar } from '../../yaml-edit/edits.ts';
import { formatKeyPath } from '../../yaml-edit/key-path.ts';
import { resolvePath, scalarText, versionScalar } from '../../yaml-edit/resolve.ts';
import { openScope, type Scope, type ScopeSettings } from '../../yaml-edit/scope.ts';
import { where } from '../../yaml-edit/yaml-file.ts';
import type { Version } from '../artifact-state.ts';
import { expectVersion } from './kustomize-image.ts';
import type { Updater } from './updater.ts';

type Settings = ScopeSettings & { image: string };

/**
 * A full image reference `repo:tag@digest` at a key path (a Deployment's container image, an
 * Argo CD Application's helm parameter). The repository must be the configured image; only
 * the tag and digest move. When the key path names a list of strings (Argo CD's
 * `spec.source.kustomize.images`), the item that references the image is the one, written
 * `repo:tag` or kustomize's override form `name=repo:tag`.
 */
export const imageRef: Updater<Settings> = {
  read(path, content, settings) {
    const { ref } = locate(path, content, settings);
    return { kind: 'version', version: versionOf(ref) };
  },

  write(path, content, settings, state) {
    const version = expectVersion(path, state);
    const { scope, node, inFlow, prefix, ref } = locate(path, content, settings);
    const next = `${prefix}${ref.name}${version.tag ? `:${version.tag}` : ''}${version.digest ? `@${version.digest}` : ''}`;
    const edit = scope.toOuter(setScalar(scope.file.text, node, next, inFlow));
    return { content: applyEdits(content, [edit]), previous: { kind: 'version', version: versionOf(ref) } };
  },
};

function versionOf(ref: { tag?: string; digest?: string }): Version {
  return { ...(ref.tag ? { tag: ref.tag } : {}), ...(ref.digest ? { digest: ref.digest } : {}) };
}

function locate(path: string, content: string, settings: Settings) {
  const scope = openScope(path, content, settings);
  const located = resolvePath(scope.file, scope.key, scope.filter);
  const keyText = formatKeyPath(scope.key);
  if (isSeq(located.node)) return inList(scope, located.node as YAMLSeq<Node>, settings, keyText);
  const at = where(scope.file, located.node?.range?.[0] ?? located.pair?.key?.range?.[0] ?? 0);
  const node = versionScalar(located.node, at, keyText);
  const ref = checked(at, settings, keyText, scalarText(node));
  const inFlow = (located.parent as { flow?: boolean } | undefined)?.flow === true;
  return { scope, node, inFlow, prefix: '', ref };
}

/** The one item of a list of image strings that references the configured image. */
function inList(scope: Scope, seq: YAMLSeq<Node>, settings: Settings, keyText: string) {
  const found: { node: Scalar; prefix: string; text: string }[] = [];
  const names: string[] = [];
  for (const item of seq.items) {
    if (!isScalar(item) || typeof item.value !== 'string') continue;
    const text = scalarText(item);
    // Argo CD's override form `[old_image_name=]<image_name>:<tag>`; a reference has no "=".
    const prefix = /^[^=]*=/.exec(text)?.[0] ?? '';
    const name = safeName(text.slice(prefix.length));
    if (name === settings.image || prefix.slice(0, -1) === settings.image)
      found.push({ node: item, prefix, text });
    else if (name) names.push(name);
  }
  const at = where(scope.file, seq.range?.[0] ?? 0);
  if (found.length !== 1) {
    throw new ValidationError(
      found.length === 0
        ? `${at}: ${keyText}: no item references ${settings.image} (the list has ${names.length ? names.join(', ') : 'no image strings'})`
        : `${at}: ${keyText}: ${found.length} items reference ${settings.image}; expected one`,
    );
  }
  const { node, prefix, text } = found[0]!;
  const itemAt = where(scope.file, node.range![0]);
  const ref = checked(
    itemAt,
    settings,
    keyText,
    versionScalar(node, itemAt, keyText) && text.slice(prefix.length),
  );
  return { scope, node, inFlow: seq.flow === true, prefix, ref };
}

function safeName(text: string): string | undefined {
  try {
    return parseImageReference(text).name;
  } catch {
    return undefined;
  }
}

function checked(at: string, settings: Settings, keyText: string, text: string) {
  let ref: ReturnType<typeof parseImageReference>;
  try {
    ref = parseImageReference(text);
  } catch (error) {
    // The parser's own refusal, raised again with the file, line and key path.
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(
      `${at}: ${keyText}: expected an image reference, found ${JSON.stringify(text)}`,
    );
  }
  if (ref.name !== settings.image) {
    throw new ValidationError(`${at}: ${keyText}: expected image ${settings.image}, found ${ref.name}`);
  }
  if (!ref.tag && !ref.digest)
    throw new ValidationError(`${at}: ${keyText}: "${text}" has neither tag nor digest`);
  return ref;
}
