import Handlebars from 'handlebars';
import {
  DEFAULT_EXECUTOR_IMAGE,
  DEFAULT_EXECUTOR_TAG,
  GITLAB_COMPONENT,
  GITLAB_INCLUDE_FILE,
  GITLAB_PROJECT_PATH,
} from './defaults.ts';
import { CI_INPUTS, MIRROR_PATTERN } from './inputs.ts';
import { extraArgShellCases } from './kaniko-flags.ts';
import { SEMVER_ERE } from './semver.ts';

/** Template sources by path relative to ci-src/: `kaniko.yml.hbs`, `partials/kaniko-build.sh.hbs`. */
export type TemplateSources = Readonly<Record<string, string>>;

/**
 * The two published forms of each source, rendered from the same text so they cannot differ
 * in behaviour: the CI/CD Catalog component (`templates/<name>.yml`, where GitLab looks for
 * components) and the classic `include: project:` file (`ci-includes/<name>.yml`). Only the
 * usage comment at the top differs.
 */
const FLAVOURS = [
  { dir: 'templates', component: true },
  { dir: 'ci-includes', component: false },
] as const;

/**
 * Renders ci-src/ into the committed files: `kaniko.yml.hbs` becomes `templates/kaniko.yml`
 * and `ci-includes/kaniko.yml`; `partials/<name>.hbs` are available as `{{> name}}`.
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
  for (const flavour of FLAVOURS) {
    for (const [path, source] of Object.entries(sources).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (path.startsWith('partials/') || !path.endsWith('.hbs')) continue;
      const render = hbs.compile(source, { strict: true, noEscape: true });
      // Indented partials leave blank lines with trailing spaces; strip them for clean files.
      const text = render(templateContext(version, flavour.component)).replace(/[ \t]+$/gm, '');
      outputs.set(`${flavour.dir}/${path.slice(0, -'.hbs'.length)}`, text);
    }
  }
  return outputs;
}

function templateContext(version: string, component: boolean) {
  return {
    version,
    component,
    inputs: CI_INPUTS.map((input) => ({ regex: false, comment: false, ...input })),
    defaultExecutorImage: DEFAULT_EXECUTOR_IMAGE,
    defaultExecutorTag: DEFAULT_EXECUTOR_TAG,
    componentPath: GITLAB_COMPONENT,
    projectPath: GITLAB_PROJECT_PATH,
    includeFile: GITLAB_INCLUDE_FILE,
    semverEre: SEMVER_ERE,
    mirrorEre: MIRROR_PATTERN,
    kanikoFlagCases: extraArgShellCases(),
  };
}
