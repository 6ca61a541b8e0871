import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.ts';

/** Instructions of a Dockerfile, continuation lines joined, comments dropped. */
function instructions(text: string): { keyword: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** What is wrong with gantry's Dockerfile beyond what a linter sees. Empty when fine. */
function problems(text: string, dockerignore: string): string[] {
  const all = instructions(text);
  const out: string[] = [];
  const froms = all.filter((i) => i.keyword === 'FROM');
  for (const from of froms) {
    const image = from.args.split(/\s+/)[0] ?? '';
    if (!/@sha256:[0-9a-f]{64}$/.test(image)) out.push(`FROM ${image}: base not pinned by digest`);
    if (!/^node:24[.-]/.test(image)) out.push(`FROM ${image}: not a Node 24 base`);
  }
  if (froms.length < 2) out.push('not multi-stage');
  const lastStage = all.slice(all.lastIndexOf(froms.at(-1)!));
  const user = lastStage.filter((i) => i.keyword === 'USER').at(-1)?.args;
  if (!user || /^(root|0)(:|$)/.test(user)) out.push(`final stage runs as ${user ?? 'root'}`);
  else if (!/^\d+(:\d+)?$/.test(user)) out.push(`USER ${user}: numeric, for runAsNonRoot`);
  if (!lastStage.some((i) => i.keyword === 'RUN' && /\bnpm ci\b[^&]*--omit=dev/.test(i.args)))
    out.push('final stage does not install with npm ci --omit=dev');
  if (lastStage.some((i) => i.keyword === 'RUN' && /\bnpm (install|i)\b/.test(i.args)))
    out.push('npm install in the final stage (not reproducible)');
  for (const i of all) {
    if (
      (i.keyword === 'ENV' || i.keyword === 'ARG') &&
      /(TOKEN|SECRET|PASSWORD|PRIVATE_KEY)\w*\s*=/i.test(i.args)
    )
      out.push(`${i.keyword} ${i.args}: a secret in a layer`);
    if ((i.keyword === 'COPY' || i.keyword === 'ADD') && /(\.env\b|\.pem\b|\.npmrc\b)/.test(i.args))
      out.push(`${i.keyword} ${i.args}: copies credentials into a layer`);
  }
  const ignored = new Set(dockerignore.split('\n').map((l) => l.trim()));
  for (const entry of ['.env', '*.pem', '.git', 'node_modules'])
    if (!ignored.has(entry)) out.push(`.dockerignore: ${entry} is not ignored`);
  const entry = all.filter((i) => i.keyword === 'ENTRYPOINT').at(-1)?.args ?? '';
  const cmd = all.filter((i) => i.keyword === 'CMD').at(-1)?.args ?? '';
  if (!/bin\/gantry\.js/.test(entry) || cmd !== '["serve"]') out.push('does not run gantry serve');
  return out;
}

const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8');

describe('Dockerfile', () => {
  it('passes dockerfile-utils’ linter', () => {
    expect(validate(dockerfile).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('is multi-stage on a Node 24 base pinned by digest, non-root, npm ci --omit=dev, no secrets', () => {
    expect(problems(dockerfile, dockerignore)).toEqual([]);
  });

  it('the checks can fail', () => {
    const bad = dockerfile
      .replace(/@sha256:[0-9a-f]{64} AS runtime/, ' AS runtime')
      .replace('USER 1000:1000', 'USER root')
      .replace('--omit=dev ', '')
      .replace('ENV NODE_ENV=production', 'ENV GITHUB_TOKEN=ghp_x NODE_ENV=production')
      .replace('COPY package-lock.json ./', 'COPY .env ./');
    expect(problems(bad, '')).toEqual([
      'FROM node:24-bookworm-slim: base not pinned by digest',
      'final stage runs as root',
      'final stage does not install with npm ci --omit=dev',
      'ENV GITHUB_TOKEN=ghp_x NODE_ENV=production PORT=3000: a secret in a layer',
      'COPY .env ./: copies credentials into a layer',
      '.dockerignore: .env is not ignored',
      '.dockerignore: *.pem is not ignored',
      '.dockerignore: .git is not ignored',
      '.dockerignore: node_modules is not ignored',
    ]);
    expect(validate('FROM node\nWORKDIR app\nCMD ["a"]\nCMD ["b"]\n').length).toBe(2);
  });
});
