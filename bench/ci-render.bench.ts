// `npm run bench:ci`: how long `gantry ci render` takes per image on a 200-Dockerfile monorepo,
// against a bare `yaml.stringify` of the same jobs' include entries, both measured here, in
// the same process, on a fixture generated at run time. Prints one line per platform.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { workingTreeSource } from '../src/adapters/local/repo-files.ts';
import { renderCi } from '../src/app/render-ci.ts';
import { jobInputs } from '../src/core/build/gitlab-include.ts';
import type { Platform } from '../src/core/build/validate-job.ts';

const IMAGES = 200;
const RUNS = 30;

function fixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'gantry-bench-'));
  for (let i = 0; i < IMAGES; i++) {
    const dir = join(root, 'services', `svc-${String(i).padStart(3, '0')}`);
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY src /src\n');
    writeFileSync(join(dir, 'src', 'main.go'), 'package main\n');
    // Dependencies with Dockerfiles of their own: discovery must skip them.
    mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'dep', 'Dockerfile'), 'FROM scratch\n');
  }
  writeFileSync(
    join(root, '.gitlab-ci.yml'),
    '# team pipeline\nstages: [build, test]\ntest:\n  script: echo test\n',
  );
  return root;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function time(run: () => Promise<unknown> | unknown): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const start = performance.now();
    await run();
    if (i >= 3) samples.push(performance.now() - start); // the first runs warm the JIT up
  }
  return median(samples);
}

const root = fixture();
try {
  for (const platform of ['gitlab', 'github'] as Platform[]) {
    const request = { platform, version: '0.0.0' };
    const sample = await renderCi({ ...request, source: await workingTreeSource(root) });
    if (sample.jobs.length !== IMAGES)
      throw new Error(`expected ${IMAGES} images, found ${sample.jobs.length}`);
    const entries = sample.jobs.map((job) => ({
      project: 'gantry/gantry',
      ref: 'v0.0.0',
      inputs: jobInputs(job),
    }));
    const render = await time(async () => renderCi({ ...request, source: await workingTreeSource(root) }));
    const baseline = await time(() => stringify(entries, { lineWidth: 0 }));
    const perImage = (ms: number) => `${((ms / IMAGES) * 1000).toFixed(1)} µs/image`;
    console.log(
      `ci render --platform ${platform}: ${IMAGES} images, ${perImage(render)} (discovery, validation, render, edit); ` +
        `yaml.stringify of the same jobs ${perImage(baseline)}; ratio ${(render / baseline).toFixed(1)}x (median of ${RUNS})`,
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
