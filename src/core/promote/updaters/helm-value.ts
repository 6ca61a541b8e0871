import { ValidationError } from '../../errors.ts';
import { applyEdits, setScalar } from '../../yaml-edit/edits.ts';
import { type KeySegment, parseKeyPath } from '../../yaml-edit/key-path.ts';
import { resolveScalar } from '../../yaml-edit/resolve.ts';
import { parseYamlFile } from '../../yaml-edit/yaml-file.ts';
import { expectVersion } from './kustomize-image.ts';
import type { Updater } from './updater.ts';

/** A scalar at a key path in a values file, e.g. `image.tag`: the version is its text. */
export const helmValue: Updater<{ key: string }> = {
  read(path, content, settings) {
    const { value } = resolveScalar(parseYamlFile(path, content), segmentsOf(settings.key));
    return { kind: 'version', version: { tag: value } };
  },

  write(path, content, settings, state) {
    const version = expectVersion(path, state);
    if (version.tag === undefined || version.digest !== undefined) {
      throw new ValidationError(
        `${path}: ${settings.key}: a helm value holds one string; got ${JSON.stringify(version)}`,
      );
    }
    const located = resolveScalar(parseYamlFile(path, content), segmentsOf(settings.key));
    const inFlow = (located.parent as { flow?: boolean } | undefined)?.flow === true;
    return {
      content: applyEdits(content, [setScalar(content, located.node as never, version.tag, inFlow)]),
      previous: { kind: 'version', version: { tag: located.value } },
    };
  },
};

export function segmentsOf(key: string): KeySegment[] {
  const parsed = parseKeyPath(key);
  if (!parsed.ok) throw new ValidationError(parsed.error);
  return parsed.segments;
}
