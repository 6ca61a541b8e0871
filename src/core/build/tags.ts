import { parseReleaseTag } from './semver.ts';
import { refSlug, shortSha } from './slug.ts';

/** What triggered a build, as both forges describe it. */
export type BuildEvent =
  | { kind: 'tag'; tag: string; sha: string }
  | { kind: 'branch'; branch: string; sha: string; defaultBranch: string }
  /** A merge/pull request pipeline: built to check it, never pushed. */
  | { kind: 'merge-request'; sourceBranch: string; sha: string };

export interface TagPlan {
  /** Image tags, the primary (most specific, immutable) one first. */
  tags: string[];
  /** Whether the image and its cache are pushed; merge requests never push. */
  push: boolean;
}

export interface TagOptions {
  /** Configured `extraTags`: added to pushed builds of tags and of the default branch. */
  extraTags?: readonly string[];
  /** `false` builds without pushing on every event. */
  push?: boolean;
}

/**
 * The tag scheme, shared by the GitHub Action and the CLI. The GitLab job script implements
 * the same rules in POSIX sh (ci-src/partials/kaniko-build.sh.hbs); one table tests both.
 *
 * | event                       | tags                                        |
 * | --------------------------- | ------------------------------------------- |
 * | tag `v1.2.3`                | `1.2.3`, `1.2`, `1`, `latest`               |
 * | tag `v0.4.1`                | `0.4.1`, `0.4`, `latest` (no `0` alias)     |
 * | tag `v1.3.0-rc.1`           | `1.3.0-rc.1` only                           |
 * | other tag (`nightly`)       | its slug                                    |
 * | default branch              | `sha-<short>`, branch slug                  |
 * | other branch                | `<slug>-<short>`                            |
 * | merge/pull request          | `<source slug>-<short>`, not pushed         |
 */
export function computeTags(event: BuildEvent, options: TagOptions = {}): TagPlan {
  const push = event.kind !== 'merge-request' && options.push !== false;
  const tags = baseTags(event);
  const extras = event.kind === 'tag' || (event.kind === 'branch' && event.branch === event.defaultBranch);
  if (extras) for (const extra of options.extraTags ?? []) if (!tags.includes(extra)) tags.push(extra);
  return { tags, push };
}

function baseTags(event: BuildEvent): string[] {
  const short = shortSha(event.sha);
  switch (event.kind) {
    case 'tag': {
      const release = parseReleaseTag(event.tag);
      if (release === undefined) return [refSlug(event.tag) || `sha-${short}`];
      if (release.qualified) return [release.tag];
      const tags = [release.tag, `${release.major}.${release.minor}`];
      if (release.major !== '0') tags.push(release.major);
      return [...tags, 'latest'];
    }
    case 'branch': {
      const slug = refSlug(event.branch);
      if (event.branch === event.defaultBranch) return slug ? [`sha-${short}`, slug] : [`sha-${short}`];
      return [slug ? `${slug}-${short}` : `sha-${short}`];
    }
    case 'merge-request': {
      const slug = refSlug(event.sourceBranch);
      return [slug ? `${slug}-${short}` : `sha-${short}`];
    }
  }
}
