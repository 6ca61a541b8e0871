import { parseImageReference } from '../../build/image-ref.ts';
import { ValidationError } from '../../errors.ts';
import { applyEdits, setScalar } from '../../yaml-edit/edits.ts';
import { resolveScalar } from '../../yaml-edit/resolve.ts';
import { parseYamlFile, where } from '../../yaml-edit/yaml-file.ts';
import { segmentsOf } from './helm-value.ts';
import { expectVersion } from './kustomize-image.ts';
import type { Updater } from './updater.ts';

/**
 * A full image reference `repo:tag@digest` at a key path (a Deployment's container image, an
 * Argo CD Application's helm parameter). The repository must be the configured image; only
 * the tag and digest move.
 */
export const imageRef: Updater<{ key: string; image: string }> = {
  read(path, content, settings) {
    const file = parseYamlFile(path, content);
    const located = resolveScalar(file, segmentsOf(settings.key));
    const ref = checked(where(file, located.node.range![0]), settings, located.value);
    return {
      kind: 'version',
      version: { ...(ref.tag ? { tag: ref.tag } : {}), ...(ref.digest ? { digest: ref.digest } : {}) },
    };
  },

  write(path, content, settings, state) {
    const version = expectVersion(path, state);
    const file = parseYamlFile(path, content);
    const located = resolveScalar(file, segmentsOf(settings.key));
    const current = checked(where(file, located.node.range![0]), settings, located.value);
    const next = `${current.name}${version.tag ? `:${version.tag}` : ''}${version.digest ? `@${version.digest}` : ''}`;
    const inFlow = (located.parent as { flow?: boolean } | undefined)?.flow === true;
    const previous = {
      ...(current.tag ? { tag: current.tag } : {}),
      ...(current.digest ? { digest: current.digest } : {}),
    };
    return {
      content: applyEdits(content, [setScalar(content, located.node as never, next, inFlow)]),
      previous: { kind: 'version', version: previous },
    };
  },
};

function checked(at: string, settings: { key: string; image: string }, text: string) {
  let ref: ReturnType<typeof parseImageReference>;
  try {
    ref = parseImageReference(text);
  } catch (error) {
    // The parser's own refusal, raised again with the file, line and key path.
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(
      `${at}: ${settings.key}: expected an image reference, found ${JSON.stringify(text)}`,
    );
  }
  if (ref.name !== settings.image) {
    throw new ValidationError(`${at}: ${settings.key}: expected image ${settings.image}, found ${ref.name}`);
  }
  if (!ref.tag && !ref.digest)
    throw new ValidationError(`${at}: ${settings.key}: "${text}" has neither tag nor digest`);
  return ref;
}
