// Entry of the gantry GitHub Action (action.yml → dist/index.js, bundled by `npm run build:action`).
// Thin: real I/O for runBuildAction, and errors as a workflow `::error::` annotation.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ActionHost, runBuildAction } from '../app/build-action.ts';

const host: ActionHost = {
  env: process.env,
  readFile: (path) => readFile(path, 'utf8').catch(() => null),
  makeTempDir: () => mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), 'gantry-')),
  writePrivateFile: (path, content) => writeFile(path, content, { mode: 0o600 }),
  appendFile: (path, content) => appendFile(path, content),
  removeDir: (path) => rm(path, { recursive: true, force: true }),
  run: (command, args) =>
    new Promise((resolve, reject) => {
      const child = spawn(command, args, { stdio: 'inherit' });
      child.on('error', reject);
      child.on('close', (code) => resolve(code ?? 1));
    }),
  log: (line) => process.stdout.write(`${line}\n`),
  randomDelimiter: () => `gantry_${randomUUID()}`,
  now: () => new Date(),
};

/** Workflow commands read "%", CR and LF specially; escape them so a message stays one annotation. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

try {
  await runBuildAction(host);
} catch (error) {
  process.stdout.write(`::error title=gantry::${escapeData((error as Error).message)}\n`);
  process.exitCode = 1;
}
