import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configReference } from '../../scripts/docs/config-reference.ts';
import { generatedDocs } from '../../scripts/docs/generate.ts';
import { configJsonSchema } from '../../src/core/config/json-schema.ts';
import { repoRoot } from '../support/cli.ts';

describe('generated references in docs/', () => {
  for (const [path, text] of Object.entries(generatedDocs())) {
    it(`${path} is up to date (npm run docs regenerates it)`, () => {
      expect(readFileSync(join(repoRoot, path), 'utf8')).toBe(text);
    });
  }

  it('lists every setting and every command', () => {
    const docs = generatedDocs();
    for (const key of Object.keys(configJsonSchema().properties as object))
      expect(docs['docs/configuration.md']).toContain(`## \`${key}\``);
    for (const command of ['config validate', 'promote', 'status', 'serve', 'analyze', 'ci render'])
      expect(docs['docs/cli-reference.md']).toContain(`\`gantry ${command}\``);
    expect(docs['docs/cli-reference.md']).toMatch(/\| `--prometheus <url>` \| Prometheus base URL/);
  });

  it('a new setting changes the reference (the drift check can fail)', () => {
    const schema = structuredClone(configJsonSchema()) as { properties: Record<string, unknown> };
    schema.properties.extra = { type: 'boolean', default: true, description: 'Something new.' };
    expect(configReference(schema)).not.toBe(generatedDocs()['docs/configuration.md']);
    expect(configReference(schema)).toContain('| `extra` | boolean | `true` | Something new. |');
  });
});
