import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Forge } from '../../ports/forge.ts';
import type { BotRunner } from './bot-runner.ts';
import { normaliseGitLab, projectOf } from './gitlab-events.ts';
import { BodyTooLarge, readBody, send } from './http.ts';
import { type GitLabSecret, secretFor } from './settings.ts';

/** GitLab's own limit for webhook request bodies is 25 MB; gantry needs far less. */
export const MAX_GITLAB_BODY = 5 * 1024 * 1024;

/**
 * POST /api/gitlab/webhooks: checks X-Gitlab-Token in constant time against the secret for
 * the payload's project, answers 202 at once (GitLab gives up after 10 s and may disable a
 * slow hook) and runs the use case in the background, tracked for shutdown.
 */
export function gitlabReceiver(options: {
  forge: Forge;
  secrets: readonly GitLabSecret[];
  runner: BotRunner;
}) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'POST') return send(response, 405, { error: 'use POST' });
    if (!options.runner.accepting) return send(response, 503, { error: 'shutting down' });
    let payload: unknown;
    let body: Buffer;
    try {
      body = await readBody(request, MAX_GITLAB_BODY);
      payload = JSON.parse(body.toString('utf8'));
    } catch (error) {
      if (error instanceof BodyTooLarge) return send(response, 413, { error: error.message });
      return send(response, 400, { error: 'body is not JSON' });
    }
    const project = projectOf(payload);
    const expected = project === undefined ? undefined : secretFor(options.secrets, project);
    const given = request.headers['x-gitlab-token'];
    if (expected === undefined || typeof given !== 'string' || !sameSecret(given, expected)) {
      return send(response, 401, { error: 'X-Gitlab-Token does not match' });
    }
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
