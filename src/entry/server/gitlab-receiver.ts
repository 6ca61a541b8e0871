import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Forge } from '../../ports/forge.ts';
import type { BotRunner } from './bot-runner.ts';
import { normaliseGitLab, projectOf } from './gitlab-events.ts';
import { BodyTooLarge, readBody, send } from './http.ts';
import { type GitLabSecret, secretFor } from './settings.ts';
import { refuse, type WebhookGuard } from './webhook-guard.ts';

/** GitLab's own limit for webhook request bodies is 25 MB; gantry needs far less. */
export const MAX_GITLAB_BODY = 5 * 1024 * 1024;

/**
 * POST /api/gitlab/webhooks. Before a byte of the body is read, X-Gitlab-Token must equal one
 * of the configured secrets (constant time) and Content-Length fit the limit and the body
 * budget; once read, the token must be the secret for the payload's project. Answers 202 at
 * once (GitLab gives up after 10 s and may disable a slow hook) and runs the use case in the
 * background, tracked for shutdown. Answers are fixed texts, never an error's message.
 */
/** One decoder for every body: creating a fatal TextDecoder per request costs more than decoding. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function gitlabReceiver(options: {
  forge: Forge;
  secrets: readonly GitLabSecret[];
  runner: BotRunner;
  guard: WebhookGuard;
}) {
  const { guard } = options;
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'POST') return refuse(response, 405, 'use POST');
    if (!options.runner.accepting) return refuse(response, 503, 'shutting down');
    if (!guard.admit(request, response)) return;
    const given = request.headers['x-gitlab-token'];
    if (typeof given !== 'string' || !options.secrets.some((s) => sameSecret(given, s.secret)))
      return guard.refuseUnauthenticated(request, response, 'X-Gitlab-Token does not match');
    const declared = request.headers['content-length'];
    const length = declared === undefined ? MAX_GITLAB_BODY : Number(declared);
    if (!Number.isSafeInteger(length) || length < 0)
      return refuse(response, 400, 'Content-Length is not a number');
    if (length > MAX_GITLAB_BODY) return refuse(response, 413, `body exceeds ${MAX_GITLAB_BODY} bytes`);
    const release = guard.budget.tryAcquire(length);
    if (!release) return refuse(response, 503, 'too many deliveries in flight', { 'retry-after': '5' });
    let payload: unknown;
    let body: Buffer;
    try {
      body = await readBody(request, MAX_GITLAB_BODY);
      payload = JSON.parse(utf8.decode(body));
    } catch (error) {
      if (error instanceof BodyTooLarge)
        return refuse(response, 413, `body exceeds ${MAX_GITLAB_BODY} bytes`);
      return send(response, 400, { error: 'body is not JSON' });
    } finally {
      release();
    }
    // The token opened the door; it must also be the one that guards this project.
    const project = projectOf(payload);
    const expected = project === undefined ? undefined : secretFor(options.secrets, project);
    if (expected === undefined || !sameSecret(given, expected))
      return guard.refuseUnauthenticated(request, response, 'X-Gitlab-Token does not match');
    const header = String(request.headers['x-gitlab-event'] ?? '');
    const normalised = normaliseGitLab(header, payload);
    if ('ignored' in normalised) {
      options.runner.telemetry.deliveries.inc({ forge: 'gitlab', event: header, outcome: 'ignored' });
      return send(response, 200, { ignored: normalised.ignored });
    }
    // Accepted = a job keyed by the delivery: it survives a crash (with Redis) and is retried.
    try {
      await options.runner.accept({
        forge: 'gitlab',
        id: `gitlab/${deliveryId(request.headers, header, body)}`,
        event: header,
        work: normalised.event,
      });
    } catch (error) {
      options.runner.log.error(
        { err: error },
        `GitLab ${header}: could not accept: ${(error as Error).message}`,
      );
      return send(response, 503, { error: 'could not accept the delivery; try again' });
    }
    send(response, 202, { accepted: normalised.event.kind });
  };
}

/**
 * What identifies a delivery across GitLab's retries: `Idempotency-Key` (GitLab 17.4+, the
 * same on every retry of one webhook request), else `X-Gitlab-Event-UUID`, else — older
 * instances — a hash of the event name and body, so a byte-identical replay is one job too.
 */
function deliveryId(headers: IncomingMessage['headers'], event: string, body: Buffer): string {
  const given = headers['idempotency-key'] ?? headers['x-gitlab-event-uuid'];
  if (typeof given === 'string' && /^[\w.-]{1,200}$/.test(given)) return given;
  return `sha256-${createHash('sha256').update(event).update('\0').update(body).digest('hex')}`;
}

/** Constant-time comparison that does not leak the secret's length either. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
