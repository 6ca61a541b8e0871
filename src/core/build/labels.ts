/** A label key: what docker and OCI tools accept without surprises (reverse-DNS style). */
export const LABEL_PATTERN = '[A-Za-z0-9][A-Za-z0-9._/-]*=[^\\x00-\\x1f\\x7f]*';

/** What the default OCI labels say about a build; empty values are left out. */
export interface LabelFacts {
  /** The repository's web URL (GitLab CI_PROJECT_URL, GitHub server/repository). */
  source: string;
  revision: string;
  /** The primary image tag. */
  version: string;
  /** RFC 3339 UTC time of the build (GitLab: the pipeline's creation time). */
  created: string;
  /** The image's last path component. */
  title: string;
}

/**
 * The `org.opencontainers.image.*` annotations (OCI image spec, "Pre-Defined Annotation
 * Keys") gantry adds unless `oci-labels` is false, in a fixed order, followed by the user's
 * labels; a user label with the same key replaces the default. The job script builds the
 * same list (a test compares the two).
 */
export function buildLabels(facts: LabelFacts | undefined, user: readonly string[]): string[] {
  const keys = new Set(user.map((label) => label.slice(0, label.indexOf('='))));
  const defaults = facts
    ? (['created', 'revision', 'source', 'title', 'version'] as const)
        .filter((name) => facts[name] !== '' && !keys.has(`org.opencontainers.image.${name}`))
        .map((name) => `org.opencontainers.image.${name}=${facts[name]}`)
    : [];
  return [...defaults, ...user];
}
