import { describe, expect, it } from 'vitest';
import { GITHUB_IMAGE_PREFIX } from '../../../src/core/build/defaults.ts';
import { selectBuildFiles } from '../../../src/core/build/discover.ts';
import { jobsFromConfig, jobsFromDockerfiles } from '../../../src/core/build/job-model.ts';
import { jobProblems } from '../../../src/core/build/validate-job.ts';

describe('build jobs', () => {
  it('finds Dockerfiles and Containerfiles, skipping dependencies, fixtures and hidden directories', () => {
    expect(
      selectBuildFiles([
        'Dockerfile',
        'services/api/Dockerfile',
        'services/web/Containerfile',
        'services/web/Dockerfile.dev',
        'node_modules/pkg/Dockerfile',
        'vendor/x/Dockerfile',
        'test/fixtures/app/Dockerfile',
        'pkg/testdata/Dockerfile',
        '.devcontainer/Dockerfile',
        '.git/Dockerfile',
        'docs/Dockerfile.md',
      ]),
    ).toEqual(['Dockerfile', 'services/api/Dockerfile', 'services/web/Containerfile']);
  });

  it('names one job and one image per discovered Dockerfile', () => {
    const jobs = jobsFromDockerfiles(
      ['Dockerfile', 'services/API_v2/Dockerfile', 'tools/api_v2/Dockerfile'],
      '$CI_REGISTRY_IMAGE',
    );
    expect(jobs.map((j) => [j.job, j.image, j.context, j.dockerfile])).toEqual([
      ['gantry-build', '$CI_REGISTRY_IMAGE', '.', 'Dockerfile'],
      [
        'gantry-build-services-api-v2',
        '$CI_REGISTRY_IMAGE/services/api_v2',
        'services/API_v2',
        'services/API_v2/Dockerfile',
      ],
      [
        'gantry-build-tools-api-v2',
        '$CI_REGISTRY_IMAGE/tools/api_v2',
        'tools/api_v2',
        'tools/api_v2/Dockerfile',
      ],
    ]);
  });

  it('refuses a directory that cannot name an image', () => {
    expect(() => jobsFromDockerfiles(['___/Dockerfile'], '$CI_REGISTRY_IMAGE')).toThrow(
      /___\/Dockerfile: directory "___" cannot name an image/,
    );
  });

  it('takes configured images with their settings', () => {
    const [job] = jobsFromConfig({
      cache: false,
      push: false,
      stage: 'images',
      executorImage: 'ghcr.io/x/kaniko:v1-debug',
      registry: { passwordVariable: 'TOKEN' },
      images: [
        {
          name: 'registry.example.com/shop/web',
          context: 'web',
          dockerfile: 'web/Dockerfile',
          buildArgs: ['A=1'],
        },
      ],
    });
    expect(job).toEqual({
      job: 'gantry-build-web',
      image: 'registry.example.com/shop/web',
      context: 'web',
      dockerfile: 'web/Dockerfile',
      buildArgs: ['A=1'],
      extraTags: [],
      cache: false,
      push: false,
      stage: 'images',
      executorImage: 'ghcr.io/x/kaniko:v1-debug',
      registryPasswordVariable: 'TOKEN',
      source: { kind: 'config', index: 0 },
    });
    expect(jobProblems(job!, 'gitlab')).toEqual([]);
  });

  it('keeps job names unique when image names end alike', () => {
    const images = ['a.example.com/web', 'b.example.com/web', 'b.example.com/api'].map((name) => ({
      name,
      context: '.',
      dockerfile: 'Dockerfile',
    }));
    expect(jobsFromConfig({ images }).map((j) => j.job)).toEqual([
      'gantry-build-a-example-com-web',
      'gantry-build-b-example-com-web',
      'gantry-build-api',
    ]);
  });

  it('reports values a CI input would refuse, per field', () => {
    const [job] = jobsFromDockerfiles(['Dockerfile'], 'ghcr.io/shop/web');
    const bad = { ...job!, context: 'a b', buildArgs: ['x'], extraTags: ['-bad'] };
    expect(jobProblems(bad, 'github').map((p) => [p.field, p.input])).toEqual([
      ['context', 'context'],
      ['buildArgs', 'build-args'],
      ['extraTags', 'extra-tags'],
    ]);
    expect(jobProblems({ ...job!, image: '$CI_REGISTRY_IMAGE' }, 'github')[0]?.input).toBe('image');
    expect(jobProblems({ ...job!, image: `${GITHUB_IMAGE_PREFIX}/x` }, 'github')).toEqual([]);
  });
});

describe('job names', () => {
  it('stay unique even when a numbered name is taken', () => {
    const images = ['a.io/b', 'a-io/b', 'z.io/a-io-b-2'].map((name) => ({
      name,
      context: '.',
      dockerfile: 'Dockerfile',
    }));
    expect(jobsFromConfig({ images }).map((j) => j.job)).toEqual([
      'gantry-build-a-io-b',
      'gantry-build-a-io-b-2',
      'gantry-build-a-io-b-2-2',
    ]);
  });
});
