import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Probot } from 'probot';
import type { BotRunner } from './bot-runner.ts';
import { BodyTooLarge, readBody, send } from './http.ts';
import { refuse, type WebhookGuard } from './webhook-guard.ts';

/** GitHub caps webhook payloads at 25 MB and always sends Content-Length. */
export const MAX_GITHUB_BODY = 25 * 1024 * 1024;

const SIGNATURE = /^sha256=[0-9a-f]{64}$/;

/**
 * POST /api/github/webhooks, in place of Probot's middleware, so that the edge is gantry's:
 * nothing is read without a well-formed X-Hub-Signature-256 and a Content-Length within
 * GitHub's limit and the body budget; the HMAC is checked on the raw bytes before anything is
 * parsed; a verified delivery is answered 202 at once and handed to Probot's handlers in the
 * background (tracked for shutdown). Answers are fixed texts: nothing a handler throws, and
 * nothing read from a repository, goes back to the sender.
 */
/** One decoder for every body: creating a fatal TextDecoder per request costs more than decoding. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function githubReceiver(options: {
  probot: Probot;
  secret: string;
  runner: BotRunner;
  guard: WebhookGuard;
}) {
  const { probot, secret, runner, guard } = options;
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'POST') return refuse(response, 405, 'use POST');
    if (!runner.accepting) return refuse(response, 503, 'shutting down');
    if (!guard.admit(request, response)) return;
    const signature = request.headers['x-hub-signature-256'];
    if (typeof signature !== 'string' || !SIGNATURE.test(signature))
      return refuse(response, 401, 'X-Hub-Signature-256 missing or malformed');
    const name = request.headers['x-github-event'];
    const id = request.headers['x-github-delivery'];
    if (typeof name !== 'string' || typeof id !== 'string' || !name || !id)
      return refuse(response, 400, 'X-GitHub-Event and X-GitHub-Delivery required');
    if (!/^\s*application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? ''))
      return refuse(response, 415, 'Content-Type must be application/json');
    const length = Number(request.headers['content-length'] ?? Number.NaN);
    if (!Number.isSafeInteger(length) || length < 0) return refuse(response, 411, 'Content-Length required');
    if (length > MAX_GITHUB_BODY) return refuse(response, 413, `body exceeds ${MAX_GITHUB_BODY} bytes`);
    const release = guard.budget.tryAcquire(length);
    if (!release) return refuse(response, 503, 'too many deliveries in flight', { 'retry-after': '5' });
    let body: Buffer;
    try {
      body = await readBody(request, MAX_GITHUB_BODY);
    } catch (error) {
      if (error instanceof BodyTooLarge)
        return refuse(response, 413, `body exceeds ${MAX_GITHUB_BODY} bytes`);
      throw error;
    } finally {
      release();
    }
    if (!sameSignature(signature, createHmac('sha256', secret).update(body).digest()))
      return send(response, 401, { error: 'signature does not match' });
    let payload: unknown;
    try {
      payload = JSON.parse(utf8.decode(body));
    } catch {
      return send(response, 400, { error: 'body is not JSON' });
    }
    // Deliveries outside an installation (the App's own `ping`, marketplace events) have no token
    // to act with; they are acknowledged and left alone.
    const installation = (payload as { installation?: { id?: unknown } } | null)?.installation?.id;
    if (typeof installation !== 'number') {
      runner.telemetry.deliveries.inc({ forge: 'github', event: name, outcome: 'ignored' });
      return send(response, 200, { ignored: 'delivery without an installation' });
    }
    // Answered only once the delivery is stored as a job (the handlers enqueue it): a delivery
    // the bot could not store is answered 503, which GitHub shows as failed and can redeliver.
    try {
      await runner.track(probot.receive({ id, name, payload } as Parameters<Probot['receive']>[0]));
    } catch (error) {
      runner.log.error(
        { forge: 'github', event: name, delivery: id, err: error },
        `github ${name} not accepted`,
      );
      return refuse(response, 503, 'could not accept the delivery; try again');
    }
    send(response, 202, { accepted: true });
  };
}

function sameSignature(header: string, digest: Buffer): boolean {
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return given.length === digest.length && timingSafeEqual(given, digest);
}
