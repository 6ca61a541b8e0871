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

export const APP_REPO_CONFIG = `version: 1
build:
  images: [{ name: registry.example.com/shop/web }]
deploy: { repo: shop/gitops, app: web, trigger: tag }
`;
