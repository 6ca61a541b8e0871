import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config/index.ts';

const doc = readFileSync(join(import.meta.dirname, '../../../docs/artifacts.md'), 'utf8');
/** The docs' artifact examples: YAML blocks that are lists of artifacts. */
const examples = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)]
  .map((m) => m[1]!)
  .filter((b) => /^- (\{ )?kind:/m.test(b));

describe('docs/artifacts.md', () => {
  it('has an example per artifact kind', () => {
    for (const kind of ['kustomize-image', 'helm-value', 'image-ref', 'file'])
      expect(examples.some((e) => e.includes(`kind: ${kind}`))).toBe(true);
  });

  it.each(examples.map((e, i) => [i, e] as const))('example %i is a valid artifact list', (_, example) => {
    const indented = example
      .trimEnd()
      .split('\n')
      .map((line) => `      ${line}`)
      .join('\n');
    const content = `version: 1\napps:\n  web:\n    artifacts:\n${indented}\nenvironments:\n  - { name: dev }\n`;
    expect(() => parseConfig({ file: 'docs.yml', content })).not.toThrow();
  });
});
