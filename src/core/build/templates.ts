import Handlebars from 'handlebars';
import { DEFAULT_EXECUTOR_IMAGE, DEFAULT_GITLAB_PROJECT, GITLAB_INCLUDE_FILE } from './defaults.ts';
import { CI_INPUTS } from './inputs.ts';
import { SEMVER_ERE } from './semver.ts';

/** Template sources by path relative to templates/: `ci-includes/x.yml.hbs`, `partials/y.sh.hbs`. */
export type TemplateSources = Readonly<Record<string, string>>;

/**
 * Renders templates/ into the committed files: `ci-includes/kaniko.yml.hbs` becomes
 * `ci-includes/kaniko.yml`; `partials/<name>.hbs` are available as `{{> name}}`.
 * A private Handlebars instance (no global helpers) in strict mode: a misspelt variable is
 * an error, not an empty string. Values come from gantry's own constants, never from users.
 */
export function renderTemplates(sources: TemplateSources, version: string): Map<string, string> {
  const hbs = Handlebars.create();
  hbs.registerHelper('json', (value: unknown) => JSON.stringify(value));
  const outputs = new Map<string, string>();
  for (const [path, source] of Object.entries(sources)) {
    const partial = /^partials\/(.+?)(\.[a-z]+)?\.hbs$/.exec(path);
    if (partial) hbs.registerPartial(partial[1]!, source);
  }
  const context = templateContext(version);
  for (const [path, source] of Object.entries(sources).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (path.startsWith('partials/') || !path.endsWith('.hbs')) continue;
    const render = hbs.compile(source, { strict: true, noEscape: true });
    // Indented partials leave blank lines with trailing spaces; strip them for clean files.
    outputs.set(path.slice(0, -'.hbs'.length), render(context).replace(/[ \t]+$/gm, ''));
  }
  return outputs;
}

function templateContext(version: string) {
  return {
    version,
    inputs: CI_INPUTS.map((input) => ({ regex: false, ...input })),
    defaultExecutorImage: DEFAULT_EXECUTOR_IMAGE,
    defaultProject: DEFAULT_GITLAB_PROJECT,
    includeFile: GITLAB_INCLUDE_FILE,
    semverEre: SEMVER_ERE,
  };
}
