/**
 * Detection accuracy over every recorded fixture (npm run accuracy, which builds first):
 *
 *   node --import tsx bench/accuracy.ts
 *
 * Prints fixture → expected alerts → what fired → OK/MISS/FALSE and a summary line, writes the
 * same as JSON to bench/out/accuracy.json, and exits 1 on any miss, false alert or replay error.
 * The checking itself is test/support/fixture-accuracy.ts, shared with the integration test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkAllFixtures, formatAccuracyTable } from '../test/support/fixture-accuracy.js';

const outDir = fileURLToPath(new URL('./out/', import.meta.url));
const report = checkAllFixtures();
process.stdout.write(`${formatAccuracyTable(report)}\n`);
mkdirSync(outDir, { recursive: true });
writeFileSync(`${outDir}accuracy.json`, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`wrote ${outDir}accuracy.json\n`);
process.exitCode = report.summary.ok ? 0 : 1;
