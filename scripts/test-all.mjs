#!/usr/bin/env node
// What `npm test` runs after the build, in one pool of jobs (scripts/test-pool.mjs) so the cores
// stay busy: the typecheck, the layer lint, every test file on this Node, and the unit and
// integration files on the other pinned Node.js versions (scripts/node-matrix.mjs). The matrix's
// Node binaries and capture-binding builds are prepared in a child process while the typecheck
// and the lint run; the test files join the queue once they are ready. One summary line per part at the end; the exit
// status is 1 when any part failed.
//
//   node scripts/test-all.mjs                      # SNOOPY_TEST_JOBS=N sets how many jobs run at once
//   node scripts/test-all.mjs --record-durations   # also store each file's time (this Node) for the ordering
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { matrixJobs, prepare, selectVersions, versionSummary } from './node-matrix.mjs';
import { DURATIONS_FILE, fileJobs, ROOT, testFiles, writeDurations } from './test-files.mjs';
import { defaultConcurrency, printResult, TestPool, totalCounts } from './test-pool.mjs';

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const concurrency = defaultConcurrency(availableParallelism());
const node = `node ${process.version} (ABI ${process.versions.modules})`;
const files = testFiles([join(ROOT, 'test')]);
console.log(`test-all: typecheck, lint:layers, ${files.length} test files on ${node}, then the Node.js matrix; ${concurrency} jobs at once`);

const pool = new TestPool({ concurrency, onEnd: printResult });
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => pool.stop(signal));

const npmJob = (script, seconds) => ({ label: `npm run ${script}`, command: 'npm', args: ['run', '--silent', script], cwd: ROOT, seconds });
pool.add([npmJob('typecheck', 21), npmJob('lint:layers', 5)]);

// Fetching Node binaries and compiling cap runs beside the typecheck and the lint, before any test
// file (the end-to-end files, first in the queue, want the machine to themselves); a failure is
// reported as a part.
const versions = selectVersions(null);
const prepared = await new Promise((resolve) => {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'node-matrix.mjs'), '--prepare'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('error', () => resolve(null));
  child.on('close', (status) => resolve(status === 0 ? prepare(versions) : null));
});
pool.add(fileJobs(files));
if (prepared !== null) for (const p of prepared) pool.add(matrixJobs(p));
const results = await pool.seal();

const part = (label, rs, ok = rs.length > 0 && rs.every((r) => r.ok)) => ({ ok, line: `test-all: ${label}: ${ok ? 'PASS' : 'FAIL'}` });
const ownResults = results.filter((r) => r.job.file !== undefined && !r.job.prefix);
const own = totalCounts(ownResults);
if (process.argv.includes('--record-durations')) writeFileSync(DURATIONS_FILE, writeDurations(ownResults));
const failedOwn = ownResults.filter((r) => !r.ok).map((r) => r.job.file);
const parts = [
  ...['typecheck', 'lint:layers'].map((s) => part(`npm run ${s}`, results.filter((r) => r.job.label === `npm run ${s}`))),
  {
    ok: failedOwn.length === 0 && ownResults.length === files.length,
    line: `test-all: ${node} test/: ${failedOwn.length === 0 && ownResults.length === files.length ? 'PASS' : `FAIL (${failedOwn.join(', ') || `${files.length - ownResults.length} files not run`})`} — ${own.tests} tests, ${own.pass} passed, ${own.fail} failed, ${own.skipped} skipped, ${ownResults.length} files`,
  },
  ...(prepared === null ? [{ ok: false, line: 'test-all: node-matrix --prepare failed (see its lines above)' }] : prepared.map((p) => versionSummary(p, results.filter((r) => r.job.prefix === `[node v${p.version}] `), (Date.now() - started) / 1000))),
];
console.log(`\n${parts.map((p) => p.line).join('\n')}\ntest-all: ${parts.every((p) => p.ok) ? 'PASS' : 'FAIL'} in ${elapsed()}`);
process.exit(parts.every((p) => p.ok) ? 0 : 1);
