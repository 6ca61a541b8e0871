// Renders ci-src/ into the committed templates/ (the CI/CD Catalog component) and ci-includes/
// (the classic include) with `npm run render:ci`. test/unit/build/templates.test.ts fails when
// the committed files drift from the sources.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { renderTemplates } from '../src/core/build/templates.ts';

const root = join(import.meta.dirname, '..');

export function readTemplates(): Record<string, string> {
  const dir = join(root, 'ci-src');
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)],
    );
  return Object.fromEntries(walk(dir).map((file) => [relative(dir, file), readFileSync(file, 'utf8')]));
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

if (import.meta.main) {
  for (const [path, content] of renderTemplates(readTemplates(), packageVersion())) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
    console.log(`wrote ${path}`);
  }
}
