import { request as httpRequest } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body bytes as received, and how many body bytes the client had sent by then. */
  body: Buffer;
  sent: number;
}

/**
 * A POST whose body may be only partly sent: `send` bytes of `body` go out, the rest is held
 * back (a slow or hostile sender). Resolves with the answer as soon as the server gives one, or
 * rejects after `timeoutMs` — a server that waits for the whole body never answers.
 */
export function rawPost(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  options: { send?: number; timeoutMs?: number } = {},
): Promise<RawAnswer> {
  const send = options.send ?? body.length;
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    let sent = 0;
    const request = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-length': String(body.length), ...headers },
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: response.statusCode!,
            headers: response.headers,
            body: Buffer.concat(chunks),
            sent,
          });
          request.destroy();
        });
      },
    );
    const timer = setTimeout(() => {
      request.destroy();
      reject(
        new Error(`no answer within ${options.timeoutMs ?? 3000} ms after ${sent} of ${body.length} bytes`),
      );
    }, options.timeoutMs ?? 3000);
    // The server may close the connection before the rest arrives: that is the point.
    request.on('error', () => {});
    request.write(body.subarray(0, send), () => {
      sent = send;
    });
    if (send >= body.length) request.end();
  });
}

/** A well-formed JSON answer: `content-length` is the byte count of the body. */
export function jsonOf(answer: RawAnswer): unknown {
  if (answer.headers['content-length'] !== String(answer.body.length)) {
    throw new Error(`content-length ${answer.headers['content-length']} but ${answer.body.length} bytes`);
  }
  return JSON.parse(answer.body.toString('utf8'));
}
