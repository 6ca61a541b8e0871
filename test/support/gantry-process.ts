import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from './cli.ts';

export interface GantryProcess {
  child: ChildProcess;
  url: string;
  output: { text: string };
  exited: Promise<number | null>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function waitFor(check: () => Promise<boolean> | boolean, context: () => string, ms = 25_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out; output:\n${context().slice(-4000)}`);
}

/** The real `gantry serve` (bin/gantry.js, built) as a child process, ready once /readyz answers 200. */
export async function startGantry(
  env: Record<string, string>,
  children: ChildProcess[],
): Promise<GantryProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(repoRoot, 'bin/gantry.js'), 'serve'], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output = { text: '' };
  child.stdout!.on('data', (c) => {
    output.text += c;
  });
  child.stderr!.on('data', (c) => {
    output.text += c;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.ok === true,
    () => output.text,
  );
  return { child, url, output, exited };
}
