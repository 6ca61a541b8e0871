import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../../src/core/config/schema.ts';
import { ValidationError } from '../../../src/core/errors.ts';
import { readArtifact, writeArtifact } from '../../../src/core/promote/updaters/index.ts';

const helm = (key: string): Artifact => ({ kind: 'helm-value', path: 'v/{env}/values.yaml', key });
const kustomize: Artifact = {
  kind: 'kustomize-image',
  path: 'k/{env}/kustomization.yaml',
  image: 'registry.example.com/shop/web',
};
const imageRef: Artifact = {
  kind: 'image-ref',
  path: 'd/{env}/app.yaml',
  key: 'spec.image',
  image: 'registry.example.com/shop/web',
};
const tag = (t: string) => ({ kind: 'version' as const, version: { tag: t } });

function error(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('updaters: a value not where the config says', () => {
  it('names the file, the key path and the keys that are there', () => {
    const content = 'image:\n  repository: web\n  pullPolicy: Always\n';
    expect(error(() => readArtifact(helm('image.tag'), 'prod/values.yaml', content))).toBe(
      'prod/values.yaml: image.tag: not found: image has no key "tag" (it has keys "repository", "pullPolicy"); if the file inherits it from a shared values file, name that file in `base:`',
    );
  });

  it('says what non-scalar it found at the key path, with its line', () => {
    const content = '# values\nimage:\n  tag:\n    major: 1\n';
    expect(error(() => writeArtifact(helm('image.tag'), 'prod/values.yaml', content, tag('2')))).toBe(
      'prod/values.yaml:4: image.tag: expected a scalar value, found a mapping with keys "major"; point `key:` at the scalar inside it (e.g. image.tag.major)',
    );
  });

  it('refuses a list index that is not there and a match that finds nothing', () => {
    const content = 'containers:\n  - name: web\n    image: a\n';
    expect(error(() => readArtifact(helm('containers[3].image'), 'f.yaml', content))).toBe(
      'f.yaml: containers[3].image: not found: containers has 1 item(s), no [3]',
    );
    expect(error(() => readArtifact(helm('containers[name=api].image'), 'f.yaml', content))).toBe(
      'f.yaml: containers[name=api].image: not found: containers has no item with name=api',
    );
  });

  it('refuses to edit through an alias', () => {
    const content = 'defaults: &d\n  tag: 1.0.0\nimage: *d\n';
    expect(error(() => readArtifact(helm('image.tag'), 'f.yaml', content))).toBe(
      'f.yaml: image.tag: not found: image is an alias (*d); edit the anchored value instead',
    );
  });

  it('reports malformed YAML with file and line', () => {
    expect(error(() => readArtifact(helm('image.tag'), 'prod/values.yaml', 'image:\n  tag: [1.0\n'))).toMatch(
      /^prod\/values\.yaml:3:1: malformed YAML: /,
    );
  });

  it('refuses a key path found in several documents', () => {
    const content = 'image: {tag: a}\n---\nimage: {tag: b}\n';
    expect(error(() => readArtifact(helm('image.tag'), 'f.yaml', content))).toBe(
      'f.yaml: image.tag: found in 2 documents (f.yaml:1, f.yaml:3); expected one',
    );
  });

  it('needs an images list in a kustomization and names the images it has', () => {
    expect(error(() => readArtifact(kustomize, 'k.yaml', 'resources: [a.yaml]\n'))).toBe(
      'k.yaml: images: not found: the document has no key "images" (it has keys "resources"); a kustomization needs an "images:" list',
    );
    expect(
      error(() => readArtifact(kustomize, 'k.yaml', 'images:\n  - name: other\n    newTag: "1"\n')),
    ).toBe('k.yaml: images[name=registry.example.com/shop/web]: not found; images has "other"');
    expect(
      error(() => readArtifact(kustomize, 'k.yaml', 'images:\n  - name: registry.example.com/shop/web\n')),
    ).toBe('k.yaml:2: images[name=registry.example.com/shop/web]: has neither newTag nor digest');
  });

  it('refuses an image reference of another repository', () => {
    expect(
      error(() =>
        writeArtifact(imageRef, 'app.yaml', 'spec:\n  image: docker.io/library/nginx:1.27\n', tag('2')),
      ),
    ).toBe(
      'app.yaml:2: spec.image: expected image registry.example.com/shop/web, found docker.io/library/nginx',
    );
  });

  it('refuses an empty file', () => {
    expect(error(() => readArtifact(helm('image.tag'), 'empty.yaml', ''))).toBe(
      'empty.yaml: image.tag: the file is empty; if the file inherits it from a shared values file, name that file in `base:`',
    );
  });

  it('says which documents a document: selector looked for', () => {
    const artifact: Artifact = {
      kind: 'helm-value',
      path: 'a/{env}/apps.yaml',
      key: 'spec.source.targetRevision',
      document: { 'metadata.name': 'web' },
    };
    const content =
      'metadata: {name: api}\nspec: {source: {targetRevision: 1.0.0}}\n---\nmetadata: {name: db}\n';
    expect(error(() => readArtifact(artifact, 'apps.yaml', content))).toBe(
      'apps.yaml: spec.source.targetRevision: no document of 2 has metadata.name=web (document:)',
    );
  });

  it('refuses to write a version that spans lines (it would reach the PR title)', () => {
    expect(
      error(() => writeArtifact(helm('image.tag'), 'v.yaml', 'image:\n  tag: a\n', tag('1.0\nInjected'))),
    ).toBe('v.yaml: expected a one-line tag to write, got "1.0\\nInjected"');
  });

  it('reads keys and versions by their text: a key 1.20 is not the number 1.2', () => {
    expect(
      readArtifact(helm('charts["1.20"].version'), 'v.yaml', 'charts:\n  1.20: {version: 010}\n'),
    ).toEqual(tag('010'));
  });

  it('refuses a list at a version key with a hint to point into it', () => {
    expect(error(() => readArtifact(imageRef, 'app.yaml', 'spec:\n  image:\n    - a\n'))).toMatch(
      /^app\.yaml:3: spec\.image: no item references registry\.example\.com\/shop\/web/,
    );
  });
});
