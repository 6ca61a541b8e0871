import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './cli.ts';

/** examples/gitops as a path → content map, to seed fake forges. */
export function exampleGitops(): Record<string, string> {
  const root = join(repoRoot, 'examples/gitops');
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(root, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return out;
}

/**
 * examples/gitops as a monorepo that also releases its own app `web` into itself. Only
 * `apps.web.source` may release web, so the source becomes the GitOps repository itself.
 */
export function selfReleasingGitops(repo: string, trigger: 'tag' | 'pipeline'): Record<string, string> {
  const files = exampleGitops();
  files['.gantry.yml'] =
    `${files['.gantry.yml']!.replace('source: shop/web', `source: ${repo}`)}\n` +
    `deploy: { repo: ${repo}, app: web, trigger: ${trigger} }\n`;
  return files;
}

export const APP_REPO_CONFIG = `version: 1
build:
  images: [{ name: registry.example.com/shop/web }]
deploy: { repo: shop/gitops, app: web, trigger: tag }
`;

/**
 * examples/gitops on a forge with the history its versions imply: worker ran sha-41ab0d3 in
 * dev and staging before sha-9f2c1e7, which is what orders these non-numeric tags (a single
 * commit holding both could not say which is newer).
 */
export function seedExampleGitops(
  forge: {
    seed(repo: string, files: Record<string, string>): string;
    push(repo: string, branch: string, files: Record<string, string>, message?: string): string;
  },
  repo: string,
  files = exampleGitops(),
): void {
  const older = { ...files };
  for (const env of ['dev', 'staging']) {
    const path = `apps/worker/envs/${env}/deployment.yaml`;
    if (older[path]) older[path] = older[path].replace('sha-9f2c1e7', 'sha-41ab0d3');
  }
  forge.seed(repo, older);
  forge.push(repo, 'main', files, 'Release worker sha-9f2c1e7 (#3)');
}
