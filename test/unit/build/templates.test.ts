import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { packageVersion, readTemplates } from '../../../scripts/render-ci-includes.ts';
import { CI_INPUTS } from '../../../src/core/build/inputs.ts';
import { renderTemplates } from '../../../src/core/build/templates.ts';
import { repoRoot } from '../../support/cli.ts';

describe('ci-src/ → templates/ (component) and ci-includes/ (classic include)', () => {
  const rendered = renderTemplates(readTemplates(), packageVersion());

  it('the committed files are exactly what the sources render (npm run render:ci)', () => {
    expect([...rendered.keys()]).toEqual(['templates/kaniko.yml', 'ci-includes/kaniko.yml']);
    for (const [path, content] of rendered) {
      expect(readFileSync(join(repoRoot, path), 'utf8'), `${path} drifted; run npm run render:ci`).toBe(
        content,
      );
    }
  });

  it('renders one job for both: only the usage comment differs', () => {
    const body = (path: string) => rendered.get(path)!.slice(rendered.get(path)!.indexOf('\nspec:'));
    expect(body('templates/kaniko.yml')).toBe(body('ci-includes/kaniko.yml'));
    expect(rendered.get('templates/kaniko.yml')).toContain(
      `component: gitlab.com/gantry-dev/gantry/kaniko@${packageVersion()}`,
    );
    expect(rendered.get('ci-includes/kaniko.yml')).toContain(`ref: v${packageVersion()}`);
  });

  it.each(['templates/kaniko.yml', 'ci-includes/kaniko.yml'])(
    '%s declares every input with its type, default and constraint',
    (path) => {
      const [spec] = parseAllDocuments(rendered.get(path)!) as unknown as {
        toJS(): { spec: { inputs: unknown } };
      }[];
      const inputs = spec!.toJS().spec.inputs as Record<
        string,
        { type: string; default: unknown; regex?: string }
      >;
      expect(Object.keys(inputs)).toEqual(CI_INPUTS.map((i) => i.name));
      for (const input of CI_INPUTS) {
        expect(inputs[input.name]).toMatchObject({ type: input.type, default: input.default });
        expect(inputs[input.name]!.regex).toBe(input.regex);
        // Each default passes its own constraint, or GitLab would refuse an include without inputs.
        if (input.regex) expect(new RegExp(input.regex).test(String(input.default))).toBe(true);
      }
    },
  );

  it('is strict: an unknown variable in a template is an error, not an empty string', () => {
    expect(() => renderTemplates({ 'x.yml.hbs': 'a: {{nosuch}}' }, '1.0.0')).toThrow(/nosuch/);
  });

  it('keeps helpers on its own Handlebars instance', async () => {
    const { default: Handlebars } = await import('handlebars');
    renderTemplates(readTemplates(), packageVersion());
    expect(Handlebars.helpers.json).toBeUndefined();
  });
});
