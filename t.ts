import { readFileSync } from 'node:fs';
import { loadConfig } from '/work/main/src/core/config/index.ts';

const file = process.argv[2]!;
try {
  const c = await loadConfig({ file, content: readFileSync(file) });
  console.log(JSON.stringify(c).slice(0, 300));
} catch (e) {
  console.log(String((e as Error).message));
}
