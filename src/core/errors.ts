/**
 * Typed errors shared by every layer. SDK and transport errors are converted into these
 * inside adapters, so use cases and entries never depend on an SDK's error shape.
 */

export class GantryError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Where a configuration problem is, and what was expected there. */
export interface ConfigIssue {
  file: string;
  line: number;
  column: number;
  /** Field path such as `apps.web.artifacts[0].kind`; empty for the document itself. */
  path: string;
  message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

export class ConfigError extends GantryError {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[]) {
    super('config', issues.map(formatIssue).join('\n'));
    this.issues = issues;
  }
}

/** Wrong command-line or command usage: the caller can fix it by asking differently. */
export class UsageError extends GantryError {
  constructor(message: string) {
    super('usage', message);
  }
}

/** Input that is not configuration (a manifest, a payload, an argument) is not what was expected. */
export class ValidationError extends GantryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('validation', message, options);
  }
}

/** What lets a refused move through: a flag in the CLI, an explicit command in the bot. */
export type Permit = 'downgrade' | 'unordered' | 'freeze';

/**
 * gantry understood the request and will not carry it out as asked: a downgrade, a version
 * order it cannot know, a frozen environment, sources that disagree. Each entry says how to
 * ask explicitly (`permit`); the message itself names no flag.
 */
export class RefusedError extends GantryError {
  readonly permit: Permit | undefined;
  constructor(message: string, permit?: Permit) {
    super('refused', message);
    this.permit = permit;
  }
}

export class NotFoundError extends GantryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('not_found', message, options);
  }
}

/** A compare-and-swap lost: the branch or object moved since it was read. Re-plan and retry. */
export class ConflictError extends GantryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('conflict', message, options);
  }
}

/** A forge (GitHub, GitLab, local git) answered with an error that is not one of the above. */
export class ForgeError extends GantryError {
  readonly status: number;
  readonly body: unknown;
  constructor(message: string, status: number, body?: unknown, options?: { cause?: unknown }) {
    super('forge', message, options);
    this.status = status;
    this.body = body;
  }
}

/** The metrics backend failed or answered something unusable. Never turned into a pass. */
export class MetricsError extends GantryError {
  readonly errorType: string;
  constructor(message: string, errorType = 'unavailable', options?: { cause?: unknown }) {
    super('metrics', message, options);
    this.errorType = errorType;
  }
}

/**
 * A failure that may pass if the same work is tried again later: a 5xx, a 409, a rate limit
 * (429, GitHub's primary and secondary 403s), a lost connection. `retryAfterMs` is the wait the
 * server asked for (Retry-After, RateLimit-Reset, x-ratelimit-reset), when it named one.
 */
export class RetryableError extends ForgeError {
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    status: number,
    body?: unknown,
    options?: { cause?: unknown; retryAfterMs?: number | undefined },
  ) {
    super(message, status, body, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}
