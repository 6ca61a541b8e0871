import { describe, expect, it } from 'vitest';
import { parseReleaseTag } from '../../../src/core/build/semver.ts';
import { refSlug, shortSha } from '../../../src/core/build/slug.ts';
import { computeTags } from '../../../src/core/build/tags.ts';
import { ValidationError } from '../../../src/core/errors.ts';
import { SHA, TAG_CASES } from '../../support/tag-cases.ts';

describe('tag scheme (TypeScript)', () => {
  it.each(TAG_CASES)('$name', (c) => {
    const plan = computeTags(c.event, {
      ...(c.extraTags && { extraTags: c.extraTags }),
      ...(c.push !== undefined && { push: c.push }),
    });
    expect(plan).toEqual({ tags: c.tags, push: c.pushed });
  });

  it('refuses a commit that is not a full sha', () => {
    for (const sha of ['abc', SHA.toUpperCase(), `${SHA}0`, `${SHA.slice(0, 39)}g`, '']) {
      expect(() => computeTags({ kind: 'tag', tag: 'v1.0.0', sha })).toThrow(ValidationError);
    }
    expect(shortSha(SHA)).toBe('abcdef01');
  });

  it('slugs like GitLab: lowercase, [a-z0-9] and single dashes, 63 at most', () => {
    expect(refSlug('Feature/ABC__x--y')).toBe('feature-abc-x-y');
    expect(refSlug('---')).toBe('');
    expect(refSlug('x'.repeat(70))).toHaveLength(63);
    expect(refSlug('Ä')).toBe('');
  });

  it('reads release tags strictly by semver', () => {
    expect(parseReleaseTag('v10.20.30')).toEqual({
      tag: '10.20.30',
      major: '10',
      minor: '20',
      qualified: false,
    });
    expect(parseReleaseTag('v1.0.0-alpha')).toMatchObject({ tag: '1.0.0-alpha', qualified: true });
    for (const notRelease of [
      'v1',
      'v1.2.3.4',
      'v1.2.3-',
      'v1.2.3-01',
      'vv1.2.3',
      ' v1.2.3',
      'release-1.2.3',
    ]) {
      expect(parseReleaseTag(notRelease)).toBeUndefined();
    }
  });
});
