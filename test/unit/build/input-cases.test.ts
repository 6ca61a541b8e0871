import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { readActionInputs } from '../../../src/core/build/action-inputs.ts';
import { ciInputProblem } from '../../../src/core/build/inputs.ts';
import { repoRoot } from '../../support/cli.ts';
import { INPUT_CASES, type InputCase } from '../../support/tag-cases.ts';

/** The component's spec:inputs, as GitLab reads them. */
const spec = (
  parseAllDocuments(readFileSync(join(repoRoot, 'templates/kaniko.yml'), 'utf8'))[0] as unknown as {
    toJS(): { spec: { inputs: Record<string, { type: string; regex?: string }> } };
  }
).toJS().spec.inputs;

const name = (c: InputCase) => `${c.input} ${JSON.stringify(c.value)} → ${c.ok ? 'accepted' : 'refused'}`;

/** Inputs the Action has, and how a workflow writes a list (one item a line). */
const ACTION_INPUTS = new Set([
  'image',
  'context',
  'cache-repo',
  'executor-image',
  'labels',
  'extra-args',
  'registry-mirror',
]);
const actionValue = (value: string | string[]) => (Array.isArray(value) ? value.join('\n') : value);

describe('the shared input table (test/support/tag-cases.ts)', () => {
  it.each(INPUT_CASES.map((c) => [name(c), c] as const))('%s by gantry ci render', (_, c) => {
    const problem = ciInputProblem(c.input, c.value);
    if (c.ok) expect(problem).toBeUndefined();
    else expect(problem).toMatch(/./);
  });

  it.each(INPUT_CASES.map((c) => [name(c), c] as const))('%s by the component spec', (_, c) => {
    const input = spec[c.input]!;
    expect(input.type).toBe(Array.isArray(c.value) ? 'array' : 'string');
    // Array inputs have no regex in GitLab: the job script checks their items (kaniko-script tests).
    if (input.regex) expect(new RegExp(input.regex).test(c.value as string)).toBe(c.ok);
  });

  it.each(INPUT_CASES.filter((c) => ACTION_INPUTS.has(c.input)).map((c) => [name(c), c] as const))(
    '%s by the Action ($VARIABLES refused)',
    (_, c) => {
      const env: Record<string, string> = { INPUT_IMAGE: 'ghcr.io/shop/web' };
      env[`INPUT_${c.input.toUpperCase()}`] = actionValue(c.value);
      const read = () => readActionInputs(env);
      if (c.ok && !c.gitlabOnly) expect(read).not.toThrow();
      else expect(read).toThrow(new RegExp(`input "${c.input}"`));
    },
  );

  it('covers every free-text input of the include', () => {
    const covered = new Set(INPUT_CASES.map((c) => c.input));
    for (const input of [
      'image',
      'cache-repo',
      'executor-image',
      'context',
      'labels',
      'extra-args',
      'registry-mirror',
      'ca-cert-variable',
    ]) {
      expect(covered.has(input), input).toBe(true);
      expect(
        INPUT_CASES.some((c) => c.input === input && !c.ok),
        `${input} has a hostile case`,
      ).toBe(true);
    }
  });
});
