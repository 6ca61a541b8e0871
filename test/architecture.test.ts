import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '../src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? tsFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Every module specifier a file imports, statically or dynamically, or requires. */
function importsOf(source: string): string[] {
  const patterns = [
    /\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?[\w*{}\s,$]+\s+from\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1]!));
}

const IO_MODULES =
  /^(node:)?(fs|fs\/promises|http|https|http2|net|tls|dgram|dns|child_process|worker_threads|cluster|os|process)$/;
const SDKS = /^(probot|@octokit\/.*|@gitbeaker\/.*|@kubernetes\/client-node|ioredis|bullmq|undici|redis)$/;

describe('architecture', () => {
  it('keeps src/core pure: no node I/O modules, SDKs, adapters or process state', () => {
    const offenders: string[] = [];
    for (const file of tsFiles(join(src, 'core'))) {
      const text = readFileSync(file, 'utf8');
      const name = relative(src, file);
      for (const specifier of importsOf(text)) {
        if (IO_MODULES.test(specifier) || SDKS.test(specifier))
          offenders.push(`${name} imports ${specifier}`);
        if (/\/(adapters|entry|app)\//.test(specifier)) offenders.push(`${name} imports ${specifier}`);
      }
      if (/\bprocess\.(env|argv|exit|cwd)\b/.test(text)) offenders.push(`${name} reads process state`);
    }
    expect(offenders).toEqual([]);
  });

  it('keeps ports free of adapters and SDKs', () => {
    const offenders = tsFiles(join(src, 'ports')).flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'))
        .filter((s) => IO_MODULES.test(s) || SDKS.test(s) || /\/(adapters|entry|app)\//.test(s))
        .map((s) => `${relative(src, file)} imports ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('detects the imports it is meant to forbid (the check itself can fail)', () => {
    const sample = `import { readFile } from 'node:fs';\nimport type { Octokit } from "@octokit/rest";\nconst r = await import('bullmq');\nexport * from 'ioredis';`;
    expect(importsOf(sample)).toEqual(['node:fs', '@octokit/rest', 'ioredis', 'bullmq']);
  });
});
