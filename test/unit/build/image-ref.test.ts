import { describe, expect, it } from 'vitest';
import { executorImageProblem } from '../../../src/core/build/executor-image.ts';
import { parseImageName, parseImageReference } from '../../../src/core/build/image-ref.ts';
import { ciInputProblem } from '../../../src/core/build/inputs.ts';
import { ValidationError } from '../../../src/core/errors.ts';

describe('image references', () => {
  it('parses registry, repository, tag and digest', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseImageReference(`localhost:5000/shop/web:1.0@${digest}`)).toEqual({
      name: 'localhost:5000/shop/web',
      registry: 'localhost:5000',
      repository: 'shop/web',
      tag: '1.0',
      digest,
    });
    expect(parseImageReference('ubuntu')).toEqual({
      name: 'ubuntu',
      registry: 'docker.io',
      repository: 'ubuntu',
    });
    expect(parseImageReference('shop/web:latest')).toMatchObject({
      registry: 'docker.io',
      repository: 'shop/web',
    });
    expect(parseImageReference('ghcr.io/osscontainertools/kaniko:v1.28.5-debug')).toMatchObject({
      registry: 'ghcr.io',
      tag: 'v1.28.5-debug',
    });
  });

  it.each([
    ['Shop/Web', /is not a valid image name/],
    ['registry.example.com/web:', /invalid tag ""/],
    ['web:-bad', /invalid tag "-bad"/],
    [`web:${'x'.repeat(129)}`, /invalid tag/],
    ['web@sha256:xyz', /invalid digest/],
    ['', /has no name/],
    ['web//x', /is not a valid image name/],
    ['web x', /is not a valid image name/],
    [`${'a'.repeat(256)}`, /longer than 255/],
  ])('refuses %j', (reference, message) => {
    expect(() => parseImageReference(reference)).toThrow(ValidationError);
    expect(() => parseImageReference(reference)).toThrow(message);
  });

  it('wants names without tag where gantry computes the tags', () => {
    expect(() => parseImageName('ghcr.io/shop/web:1.0')).toThrow(/must not carry a tag or digest/);
    expect(parseImageName('ghcr.io/shop/web').name).toBe('ghcr.io/shop/web');
  });

  it('wants the executor image pinned', () => {
    expect(executorImageProblem('ghcr.io/osscontainertools/kaniko:v1.28.5-debug')).toBeUndefined();
    expect(executorImageProblem(`ghcr.io/x/kaniko@sha256:${'0'.repeat(64)}`)).toBeUndefined();
    expect(executorImageProblem('ghcr.io/x/kaniko')).toMatch(/is not pinned/);
    expect(executorImageProblem(`ghcr.io/x/kaniko@sha512:${'0'.repeat(128)}`)).toMatch(/expected sha256/);
  });
});

describe('CI input constraints', () => {
  it.each([
    ['image', '$CI_REGISTRY_IMAGE/services/api', true],
    ['image', '$CI_REGISTRY_IMAGE_X', true], // any variable: GitLab expands it, the script checks the value
    ['image', '$CI-REGISTRY', false],
    ['image', '$(id)', false],
    ['image', 'registry.example.com/shop/web', true],
    ['context', '.', true],
    ['context', 'services/api', true],
    ['context', '.devcontainer', true],
    ['context', '../up', false],
    ['context', 'a/./b', false],
    ['context', '/abs', false],
    ['context', 'has space', false],
    ['dockerfile', 'a/Dockerfile', true],
    ['dockerfile', '.', false],
    ['target', '', true],
    ['target', '-x', false],
    ['stage', 'build images', true],
    ['stage', 'build  images', false],
    ['extra-tags', 'edge stable', true],
    ['extra-tags', 'edge;id', false],
    ['job', 'gantry-build-api', true],
    ['job', 'Gantry', false],
    ['registry-user-variable', 'CI_REGISTRY_USER', true],
    ['registry-user-variable', 'A-B', false],
    ['cache', true, true],
    ['cache', 'true', false],
    ['build-args', ['A=1', 'B=x y $z'], true],
    ['build-args', ['A=1\n'], false],
    ['build-args', 'A=1', false],
  ])('%s %j → %s', (input, value, ok) => {
    expect(ciInputProblem(input, value) === undefined).toBe(ok);
  });

  it('says what it expected', () => {
    expect(ciInputProblem('context', '../x')).toBe(
      '"../x" is not a path relative to the repository root without ".." segments or spaces',
    );
    expect(ciInputProblem('nope', 'x')).toBe('unknown input "nope"');
  });
});
