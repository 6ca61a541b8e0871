/**
 * Promotion benchmarks (`npm run bench:promote`), each against a baseline measured in the same
 * run: parse + stringify of the same YAML with the `yaml` library, the formatting-losing way
 * most tools edit manifests.
 *  1. one tag change in a 1 MiB Helm values file: the key near the top, the key at the very
 *     end (the line scan reads the whole file), and a file whose path has an anchor (the full
 *     parse, gantry's fallback); target ≤ 50 ms for the scan;
 *  2. planning a promotion across a 500-file GitOps repository.
 */
import { parse, stringify } from 'yaml';
import { parseConfig } from '../src/core/config/index.ts';
import { planPromotion, promotionFiles } from '../src/core/promote/plan.ts';
import { writeArtifact } from '../src/core/promote/updaters/index.ts';
import { report, time } from './support.ts';

function valuesFile(targetBytes: number): string {
  const parts = [
    '# Generated values file for the benchmark.\nimage:\n  repository: registry.example.com/shop/web\n  tag: "1.0.0"  # promoted\n',
  ];
  let size = parts[0]!.length;
  for (let i = 0; size < targetBytes; i++) {
    const block = `service${i}:\n  # settings of service ${i}\n  enabled: true\n  replicas: ${i % 7}\n  env:\n    - {name: MODE, value: "fast"}\n    - name: LEVEL\n      value: '${i}'\n  labels: {team: shop, tier: "backend-${i}"}\n`;
    parts.push(block);
    size += block.length;
  }
  return parts.join('');
}

const big = valuesFile(1024 * 1024);
const atEnd = `${big}web:\n  image:\n    tag: "1.0.0"\n`;
const anchored = big.replace('image:\n', 'image: &image\n');
const helm = { kind: 'helm-value', path: 'x/{env}/values.yaml', key: 'image.tag' } as const;
const helmAtEnd = { ...helm, key: 'web.image.tag' } as const;
const state = { kind: 'version', version: { tag: '1.0.1' } } as const;
const edit = time(() => writeArtifact(helm, 'values.yaml', big, state));
const editAtEnd = time(() => writeArtifact(helmAtEnd, 'values.yaml', atEnd, state));
const editParsed = time(() => writeArtifact(helm, 'values.yaml', anchored, state), 5, 1);
const roundTrip = time(
  () => {
    const doc = parse(big) as { image: { tag: string } };
    doc.image.tag = '1.0.1';
    return stringify(doc);
  },
  5,
  1,
);
console.log(`values file: ${(big.length / 1024).toFixed(0)} KiB`);
report('tag change in a 1 MiB values file, key at the top', edit, 'parse+stringify', roundTrip);
report('tag change in a 1 MiB values file, key at the end', editAtEnd, 'parse+stringify', roundTrip);
report(
  'tag change in a 1 MiB values file, full parse (anchor on the path)',
  editParsed,
  'parse+stringify',
  roundTrip,
);
console.log(`target: the line scan ≤ 50 ms: ${Math.max(edit, editAtEnd) <= 50 ? 'met' : 'NOT met'}`);

// A GitOps repository of 500 files: 50 apps × 5 places (dev, staging, prod/a, prod/b, prod/c) × 2 files.
const apps = Array.from({ length: 50 }, (_, i) => `app${i}`);
const config = parseConfig({
  file: 'bench.yml',
  content: [
    'version: 1',
    'apps:',
    ...apps.flatMap((app) => [
      `  ${app}:`,
      '    artifacts:',
      `      - { kind: kustomize-image, path: "apps/${app}/{env}/kustomization.yaml", image: registry.example.com/${app} }`,
      `      - { kind: helm-value, path: "apps/${app}/{env}/values.yaml", key: image.tag }`,
    ]),
    'environments:',
    '  - { name: dev }',
    '  - { name: staging, after: dev }',
    '  - { name: prod, after: staging, targets: [prod/a, prod/b, prod/c] }',
  ].join('\n'),
});
const files = new Map<string, string>();
for (const app of apps) {
  for (const [env, tag] of [
    ['dev', '3.0.0'],
    ['staging', '2.0.0'],
    ['prod/a', '1.0.0'],
    ['prod/b', '1.0.0'],
    ['prod/c', '1.0.0'],
  ]) {
    files.set(
      `apps/${app}/${env}/kustomization.yaml`,
      `# ${app} in ${env}\nresources: [../base]\nimages:\n  - name: registry.example.com/${app}\n    newTag: "${tag}"\n`,
    );
    files.set(`apps/${app}/${env}/values.yaml`, `${valuesFile(2048)}`.replace('"1.0.0"', `"${tag}"`));
  }
}
console.log(`gitops repository: ${files.size} files`);
const request = { to: 'prod' };
const read = promotionFiles(config, request);
const plan = time(() => planPromotion(config, request, { files }), 7, 2);
const baseline = time(
  () => {
    for (const path of read) stringify(parse(files.get(path)!));
  },
  7,
  2,
);
console.log(
  `promotion plan: ${planPromotion(config, request, { files }).apps.length} PRs, ${read.length} files read`,
);
report('plan a promotion across a 500-file repo', plan, 'parse+stringify of the files it reads', baseline);

// 3. The same plan ordering sha-style tags by git history: 50 revisions at each of the 5
// places of every app (what the bot and the CLI read), against the plan of numeric versions.
const shaFiles = new Map<string, string | null>();
const history = new Map<string, { locations: Array<{ name: string; tags: string[] }> }>();
for (const app of apps) {
  const tags = Array.from({ length: 50 }, (_, i) => `sha-${app}-${String(i).padStart(3, '0')}`);
  const at = { dev: 49, staging: 40, 'prod/a': 30, 'prod/b': 30, 'prod/c': 30 } as const;
  for (const [path, content] of files) if (path.startsWith(`apps/${app}/`)) shaFiles.set(path, content);
  for (const [env, index] of Object.entries(at)) {
    for (const name of ['kustomization.yaml', 'values.yaml']) {
      const path = `apps/${app}/${env}/${name}`;
      shaFiles.set(path, files.get(path)!.replace(/"\d\.0\.0"/, `"${tags[index]}"`));
    }
  }
  history.set(app, {
    locations: Object.entries(at).map(([name, index]) => ({ name, tags: tags.slice(0, index + 1) })),
  });
}
const ordered = time(() => planPromotion(config, request, { files: shaFiles, history }), 7, 2);
report('plan ordering sha tags by 50-deep history', ordered, 'plan of semver tags', plan);
