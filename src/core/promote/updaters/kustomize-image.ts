import { isMap, isScalar, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { ValidationError } from '../../errors.ts';
import {
  appendMapItem,
  applyEdits,
  deletePair,
  insertPair,
  setScalar,
  type TextEdit,
} from '../../yaml-edit/edits.ts';
import { type KeySegment, parseKeyPath } from '../../yaml-edit/key-path.ts';
import { describeNode, pairOf, resolvePath } from '../../yaml-edit/resolve.ts';
import { parseYamlFile, where, type YamlFile } from '../../yaml-edit/yaml-file.ts';
import type { ArtifactState, Version } from '../artifact-state.ts';
import type { Updater } from './updater.ts';

/** kustomization.yaml `images[]`: the entry whose `name` is the image; its `newTag` and `digest`. */
export const kustomizeImage: Updater<{ image: string }> = {
  read(path, content, artifact) {
    const file = parseYamlFile(path, content);
    const entry = findEntry(file, artifact.image);
    if (!entry.item)
      throw new ValidationError(`${path}: images[name=${artifact.image}]: not found; ${entry.found}`);
    return { kind: 'version', version: versionOf(file, entry.item, artifact.image) };
  },

  write(path, content, artifact, state) {
    const version = expectVersion(path, state);
    const file = parseYamlFile(path, content);
    const { images, item } = findEntry(file, artifact.image);
    const edits: TextEdit[] = [];
    const previous: ArtifactState | undefined = item
      ? { kind: 'version', version: versionOf(file, item, artifact.image) }
      : undefined;
    if (!item) {
      const fields: [string, string][] = [['name', artifact.image]];
      if (version.tag) fields.push(['newTag', version.tag]);
      if (version.digest) fields.push(['digest', version.digest]);
      edits.push(appendMapItem(file, images, fields));
    } else {
      for (const [key, value] of [
        ['newTag', version.tag],
        ['digest', version.digest],
      ] as const) {
        const pair = pairOf(item, key);
        if (value === undefined) {
          if (pair) edits.push(deletePair(file, item, pair));
        } else if (!pair) edits.push(insertPair(file, item, key, value));
        else if (isScalar(pair.value))
          edits.push(setScalar(content, pair.value, value, item.flow === true || images.flow === true));
        else
          throw new ValidationError(
            `${where(file, (pair.key as Node).range![0])}: images[name=${artifact.image}].${key}: expected a scalar, found ${describeNode(pair.value)}`,
          );
      }
    }
    return { content: applyEdits(content, edits), previous };
  },
};

const IMAGES: KeySegment[] = (parseKeyPath('images') as { segments: KeySegment[] }).segments;

function findEntry(
  file: YamlFile,
  image: string,
): { images: YAMLSeq<Node>; item?: YAMLMap<Node, Node | null>; found: string } {
  let located: ReturnType<typeof resolvePath>;
  try {
    located = resolvePath(file, IMAGES);
  } catch (error) {
    throw new ValidationError(`${(error as Error).message}; a kustomization needs an "images:" list`);
  }
  const images = located.node;
  if (!isSeq(images)) {
    throw new ValidationError(
      `${where(file, images?.range?.[0] ?? 0)}: images: expected a list, found ${describeNode(images)}`,
    );
  }
  const seq = images as YAMLSeq<Node>;
  const names: string[] = [];
  for (const candidate of seq.items) {
    if (!isMap(candidate)) {
      throw new ValidationError(
        `${where(file, candidate.range?.[0] ?? 0)}: images: expected mapping items, found ${describeNode(candidate)}`,
      );
    }
    const name = pairOf(candidate as YAMLMap<Node, Node | null>, 'name')?.value;
    const value = isScalar(name) ? String(name.value) : undefined;
    if (value === image) return { images: seq, item: candidate as YAMLMap<Node, Node | null>, found: '' };
    if (value !== undefined) names.push(value);
  }
  return {
    images: seq,
    found: `images has ${names.length ? names.map((n) => `"${n}"`).join(', ') : 'no named entries'}`,
  };
}

function versionOf(file: YamlFile, item: YAMLMap<Node, Node | null>, image: string): Version {
  const version: Version = {};
  for (const key of ['newTag', 'digest'] as const) {
    const value = pairOf(item, key)?.value;
    if (value === undefined) continue;
    if (!isScalar(value) || value.value === null || typeof value.value === 'object') {
      throw new ValidationError(
        `${where(file, item.range![0])}: images[name=${image}].${key}: expected a scalar, found ${describeNode(value)}`,
      );
    }
    version[key === 'newTag' ? 'tag' : 'digest'] = String(value.value);
  }
  if (!version.tag && !version.digest) {
    throw new ValidationError(
      `${where(file, item.range![0])}: images[name=${image}]: has neither newTag nor digest`,
    );
  }
  return version;
}

export function expectVersion(path: string, state: ArtifactState): Version {
  if (state.kind !== 'version')
    throw new ValidationError(`${path}: expected a version to write, got a whole file`);
  return state.version;
}
