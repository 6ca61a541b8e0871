import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The JSON report is what .ci/run summarises into "N passed, N failed".
    reporters: ['default', ['json', { outputFile: '.tmp/vitest-report.json' }]],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Vitest puts Vite's BASE_URL ("/") into process.env, which child `gantry serve`s inherit;
    // gantry reads BASE_URL as its public URL.
    env: { BASE_URL: '' },
  },
});
