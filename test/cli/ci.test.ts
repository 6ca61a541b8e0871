import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GITHUB_IMAGE_PREFIX } from '../../src/core/build/defaults.ts';
import { gantry } from '../support/cli.ts';

function repoWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-ci-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const PIPELINE = '# ours\nstages: [build, test]\n\ntest:\n  script: echo test   # keep me\n';

describe('gantry ci render', () => {
  it('prints the new .gitlab-ci.yml without touching the repository', () => {
    const dir = repoWith({ Dockerfile: 'FROM x\n', '.gitlab-ci.yml': PIPELINE });
    const run = gantry(['ci', 'render', '--platform', 'gitlab', '--repo', dir]);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith(`${PIPELINE}include:\n  # gantry:begin`)).toBe(true);
    expect(run.stderr).toBe('.gitlab-ci.yml: would change (1 image); run with --write to write it\n');
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toBe(PIPELINE);
  });

  it('writes with --write, then says "up to date" and changes nothing', () => {
    const dir = repoWith({
      Dockerfile: 'FROM x\n',
      'api/Dockerfile': 'FROM x\n',
      '.gitlab-ci.yml': PIPELINE,
    });
    const first = gantry(['ci', 'render', '--platform', 'gitlab', '--repo', dir, '--write']);
    expect(first).toMatchObject({ code: 0, stdout: '', stderr: 'wrote .gitlab-ci.yml (2 images)\n' });
    const written = readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8');
    expect(written.startsWith(PIPELINE)).toBe(true);
    const again = gantry(['ci', 'render', '--platform', 'gitlab', '--repo', dir, '--write']);
    expect(again).toMatchObject({ code: 0, stderr: '.gitlab-ci.yml: up to date (2 images)\n' });
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toBe(written);
    expect(gantry(['ci', 'render', '--platform', 'gitlab', '--repo', dir, '--check']).code).toBe(0);
  });

  it('never writes through a symbolic link (a repository cannot aim --write at a file outside it)', () => {
    const outside = join(mkdtempSync(join(tmpdir(), 'gantry-outside-')), 'pipeline.yml');
    writeFileSync(outside, 'stages: [build]\n');
    const dir = repoWith({ Dockerfile: 'FROM x\n' });
    symlinkSync(outside, join(dir, '.gitlab-ci.yml'));
    const run = gantry(['ci', 'render', '--platform', 'gitlab', '--repo', dir, '--write']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('gantry: .gitlab-ci.yml: is a symbolic link; gantry only edits regular files\n');
    expect(readFileSync(outside, 'utf8')).toBe('stages: [build]\n');
  });

  it('--check exits 1 when the CI config is not up to date, writing nothing', () => {
    const dir = repoWith({ Dockerfile: 'FROM x\n' });
    const run = gantry(['ci', 'render', '--platform', 'github', '--repo', dir, '--check', '--write']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^\.github\/workflows\/gantry-build\.yml: not up to date/m);
    expect(existsSync(join(dir, '.github'))).toBe(false);
    expect(run.stderr).toContain('gantry: warning: the workflow uses gantry/gantry@v');
  });

  it('pins the Action to --action-sha, the ref as a comment, and refuses a short sha', () => {
    const dir = repoWith({ Dockerfile: 'FROM x\n' });
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const args = ['ci', 'render', '--platform', 'github', '--repo', dir, '--action', 'acme/gantry@v2.1.0'];
    const run = gantry([...args, '--action-sha', sha]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`uses: acme/gantry@${sha} # v2.1.0\n`);
    expect(run.stderr).not.toContain('warning');
    const short = gantry([...args, '--action-sha', '0123456']);
    expect(short.code).toBe(64);
    expect(short.stderr).toMatch(/full commit sha/);
  });

  it('writes the GitHub workflow and reports as JSON', () => {
    const dir = repoWith({ 'web/Dockerfile': 'FROM x\n' });
    const run = gantry([
      'ci',
      'render',
      '--platform',
      'github',
      '--repo',
      dir,
      '--write',
      '--json',
      '--action',
      'acme/gantry@v2',
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      ok: true,
      platform: 'github',
      origin: 'discovered',
      upToDate: false,
      written: ['.github/workflows/gantry-build.yml'],
      images: [{ job: 'gantry-build-web', image: `${GITHUB_IMAGE_PREFIX}/web`, context: 'web' }],
    });
    expect(readFileSync(join(dir, '.github/workflows/gantry-build.yml'), 'utf8')).toBe(
      result.files[0].content,
    );
  });

  it('refuses an unknown platform (exit 64) with a suggestion', () => {
    const run = gantry(['ci', 'render', '--platform', 'gitlb', '--repo', repoWith({ Dockerfile: '' })]);
    expect(run).toMatchObject({
      code: 64,
      stderr: 'gantry: unknown platform "gitlb" (did you mean "gitlab"?); expected one of: gitlab, github\n',
    });
  });

  it('refuses a Dockerfile .gantry.yml names but the repository lacks, writing nothing', () => {
    const dir = repoWith({
      '.gantry.yml':
        'version: 1\nbuild:\n  images:\n    - name: registry.example.com/shop/web\n      dockerfile: web/Dockerfile\n',
    });
    const run = gantry(['ci', 'render', '--platform', 'gitlab', '--repo', dir, '--write']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'gantry: .gantry.yml:5:19: build.images[0].dockerfile: Dockerfile "web/Dockerfile" does not exist in the repository\ngantry: nothing written\n',
    );
    expect(existsSync(join(dir, '.gitlab-ci.yml'))).toBe(false);
  });

  it('refuses an invalid image reference, with where it is', () => {
    const dir = repoWith({
      '.gantry.yml': 'version: 1\nbuild:\n  executorImage: "kaniko:"\n',
      Dockerfile: 'FROM x\n',
    });
    const run = gantry(['ci', 'render', '--platform', 'gitlab', '--repo', dir, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      errors: [
        '.gantry.yml:3:18: build.executorImage: image reference "kaniko:" has an invalid tag ""; expected up to 128 of [A-Za-z0-9_.-], not starting with "." or "-"',
      ],
    });
  });

  it('refuses a value outside its CI input constraint (a Dockerfile in a directory with a space)', () => {
    const dir = repoWith({ 'my app/Dockerfile': 'FROM x\n' });
    const run = gantry(['ci', 'render', '--platform', 'gitlab', '--repo', dir, '--write']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^gantry: my app\/Dockerfile: context: "my app" is not a path relative/);
    expect(existsSync(join(dir, '.gitlab-ci.yml'))).toBe(false);
  });

  it('refuses a malformed include source or Action reference (exit 64)', () => {
    const dir = repoWith({ Dockerfile: 'FROM x\n' });
    const include = gantry([
      'ci',
      'render',
      '--platform',
      'gitlab',
      '--repo',
      dir,
      '--include',
      'project:../x@v1',
    ]);
    expect(include.code).toBe(64);
    expect(include.stderr).toMatch(
      /include source "project:\.\.\/x@v1": expected component:FQDN\/GROUP\/PROJECT\/kaniko@VERSION .*project:GROUP\/PROJECT@REF/,
    );
    for (const [spec, message] of [
      ['component:gitlab.com/gantry-dev/gantry/kaniko', /expected component:/],
      ['component:gitlab.com/kaniko@1.0.0', /expected component:/],
      ['component:gitlab.com/../x/kaniko@1.0.0', /expected component:/],
      ['component:gitlab.com/a/b/docker@1.0.0', /gantry's component is "kaniko"/],
      ['component:$(id)/a/b/kaniko@1.0.0', /expected component:/],
    ] as const) {
      const run = gantry(['ci', 'render', '--platform', 'gitlab', '--repo', dir, '--include', spec]);
      expect(run.code, spec).toBe(64);
      expect(run.stderr).toMatch(message);
    }
    const mirror = gantry([
      'ci',
      'render',
      '--platform',
      'gitlab',
      '--repo',
      dir,
      '--include',
      'component:$CI_SERVER_FQDN/platform/gantry/kaniko@~latest',
    ]);
    expect(mirror.code, mirror.stderr).toBe(0);
    expect(mirror.stdout).toContain('  - component: $CI_SERVER_FQDN/platform/gantry/kaniko@~latest\n');
    const action = gantry(['ci', 'render', '--platform', 'github', '--repo', dir, '--action', 'gantry']);
    expect(action.code).toBe(64);
  });

  it('says which repository directory is missing (exit 1)', () => {
    const run = gantry(['ci', 'render', '--platform', 'gitlab', '--repo', '/no/such/dir']);
    expect(run).toMatchObject({ code: 1, stderr: 'gantry: /no/such/dir: no such directory\n' });
  });
});
