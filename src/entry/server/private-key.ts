import { createPrivateKey } from 'node:crypto';
import { getPrivateKey } from '@probot/get-private-key';
import { UsageError } from '../../core/errors.ts';

/**
 * The GitHub App's private key from PRIVATE_KEY (a PEM, a `\n`-escaped PEM or base64 of one —
 * Probot's conventions, decoded by @probot/get-private-key) or PRIVATE_KEY_PATH, parsed now
 * so that a bad key stops the server at start-up instead of failing on the first delivery.
 * Undefined when neither is set (the cwd's *.pem files are never picked up by surprise).
 */
export function loadPrivateKey(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const name = env.PRIVATE_KEY ? 'PRIVATE_KEY' : env.PRIVATE_KEY_PATH ? 'PRIVATE_KEY_PATH' : undefined;
  if (!name) return undefined;
  let pem: string | null;
  try {
    pem = getPrivateKey({
      env:
        name === 'PRIVATE_KEY'
          ? { PRIVATE_KEY: env.PRIVATE_KEY }
          : { PRIVATE_KEY_PATH: env.PRIVATE_KEY_PATH },
    });
  } catch (error) {
    const reason = (error as Error).message.replace(/^\[@probot\/get-private-key\] /, '');
    throw new UsageError(`${name}: ${reason}`);
  }
  try {
    createPrivateKey(pem ?? '');
  } catch (error) {
    throw new UsageError(
      `${name}: not a valid private key (${(error as Error).message}); expected the App's .pem: a PEM, a \\n-escaped PEM or its base64`,
    );
  }
  return pem ?? undefined;
}
