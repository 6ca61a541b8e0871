// Prints "N passed, N failed" from a vitest JSON report. Exits 1 when the report is missing
// (the tests never ran) or counts no test at all. Plain JavaScript: runs on any Node.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.tmp/vitest-report.json';
if (!existsSync(file)) {
  console.log('0 passed, 0 failed');
  console.error(`test-summary: ${file} was not written: the test run stopped before vitest reported`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
console.log(`${passed} passed, ${failed} failed`);
process.exit(passed > 0 && failed === 0 && report.success !== false ? 0 : 1);
