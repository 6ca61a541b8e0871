import { createHmac, generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface ExampleGroup {
  name: string;
  examples: Array<Record<string, unknown>>;
}

/** GitHub's own webhook payload examples (@octokit/webhooks-examples), by event and action. */
export function githubExample(
  event: string,
  match: (payload: Record<string, unknown>) => boolean = () => true,
) {
  const groups = require('@octokit/webhooks-examples/api.github.com/index.json') as ExampleGroup[];
  const example = groups.find((g) => g.name === event)?.examples.find(match);
  if (!example) throw new Error(`no ${event} example`);
  return structuredClone(example) as Record<string, any>;
}

/** A payload's repository pointed at `owner/name`, installed as installation 1. */
export function inRepository(payload: Record<string, any>, fullName: string, defaultBranch = 'main') {
  const [owner, name] = fullName.split('/') as [string, string];
  payload.repository = {
    ...payload.repository,
    full_name: fullName,
    name,
    default_branch: defaultBranch,
    owner: { ...payload.repository.owner, login: owner },
  };
  payload.installation = { id: 1, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };
  return payload;
}

export const WEBHOOK_SECRET = 'e2e-webhook-secret';

export function sign(body: string, secret = WEBHOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

let deliveries = 0;

/** POSTs a GitHub delivery as GitHub does: JSON body, event and delivery headers, HMAC signature. */
export async function deliverGitHub(
  url: string,
  event: string,
  payload: unknown,
  options: { signature?: string; delivery?: string } = {},
) {
  const body = JSON.stringify(payload);
  const response = await fetch(`${url}/api/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': options.delivery ?? `delivery-${++deliveries}`,
      'x-hub-signature-256': options.signature ?? sign(body),
      'user-agent': 'GitHub-Hookshot/e2e',
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}

/** POSTs a GitLab delivery as GitLab does: JSON body, X-Gitlab-Event and X-Gitlab-Token. */
export async function deliverGitLab(url: string, event: string, payload: unknown, token: string | undefined) {
  const response = await fetch(`${url}/api/gitlab/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-gitlab-event': event,
      ...(token === undefined ? {} : { 'x-gitlab-token': token }),
    },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  return { status: response.status, text: await response.text() };
}

/** A throwaway GitHub App private key. */
export function appPrivateKey(): string {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
}
