import { isMap, isScalar, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { ValidationError } from '../../errors.ts';
import { addListWithItem } from '../../yaml-edit/add-list.ts';
import {
  appendMapItem,
  applyEdits,
  deletePair,
  insertPair,
  setScalar,
  type TextEdit,
} from '../../yaml-edit/edits.ts';
import { type KeySegment, parseKeyPath } from '../../yaml-edit/key-path.ts';
import {
  describeNode,
  MissingKeyError,
  pairOf,
  resolvePath,
  scalarText,
  versionScalar,
} from '../../yaml-edit/resolve.ts';
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
    const fresh = (): [string, string][] => [
      ['name', artifact.image],
      ...(version.tag ? [['newTag', version.tag] as [string, string]] : []),
      ...(version.digest ? [['digest', version.digest] as [string, string]] : []),
    ];
    if (imagesMissing(file)) {
      // An overlay without `images:` (or `images: null`) gets the list with the entry.
      return { content: applyEdits(content, addListWithItem(file, 'images', fresh())), previous: undefined };
    }
    const { images, item } = findEntry(file, artifact.image);
    const edits: TextEdit[] = [];
    const previous: ArtifactState | undefined = item
      ? { kind: 'version', version: versionOf(file, item, artifact.image) }
      : undefined;
    if (!item) {
      edits.push(appendMapItem(file, images, fresh()));
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

/** No `images:` key in the kustomization, or one that holds nothing. */
function imagesMissing(file: YamlFile): boolean {
  try {
    const { node } = resolvePath(file, IMAGES);
    return node === null || (isScalar(node) && node.value === null);
  } catch (error) {
    if (error instanceof MissingKeyError) return true;
    throw error;
  }
}

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
    const pair = pairOf(item, key);
    if (pair === undefined) continue;
    const at = where(file, (pair.value ?? pair.key)?.range?.[0] ?? item.range![0]);
    const value = versionScalar(pair.value, at, `images[name=${image}].${key}`);
    version[key === 'newTag' ? 'tag' : 'digest'] = scalarText(value);
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
  for (const [field, value] of Object.entries(state.version)) {
    // A version lands in PR titles, branch text and one-line YAML scalars.
    if (typeof value === 'string' && (/[\r\n]/.test(value) || value.trim() === ''))
      throw new ValidationError(
        `${path}: expected a one-line ${field} to write, got ${JSON.stringify(value)}`,
      );
  }
  return state.version;
}
