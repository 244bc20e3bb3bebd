#!/usr/bin/env node
// Runs every test file under test/ (or those under the folders or files given as arguments) with
// node:test through tsx, several files at once (scripts/test-pool.mjs: longest first; end-to-end
// files one at a time; timing-bound files keep a core; the host-firewall check last).
//
//   node scripts/run-tests.mjs [PATH…]            # SNOOPY_TEST_JOBS=N sets how many at once
//   node scripts/run-tests.mjs --record-durations # also store each file's time for the ordering
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { DURATIONS_FILE, fileJobs, testFiles, writeDurations } from './test-files.mjs';
import { COUNTS, defaultConcurrency, printResult, TestPool, totalCounts } from './test-pool.mjs';

const argv = process.argv.slice(2);
const record = argv.includes('--record-durations');
const paths = argv.filter((a) => a !== '--record-durations');
const roots = paths.length > 0 ? paths : ['test'];
const files = testFiles(roots);
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
// Which Node runs the suites, first and last: the log of a run on several versions says it.
const node = `node ${process.version} (ABI ${process.versions.modules})`;
const concurrency = defaultConcurrency(availableParallelism());
console.log(`run-tests: ${node}: ${files.length} test files under ${roots.join(', ')}, ${concurrency} at once`);
const started = Date.now();
const pool = new TestPool({ concurrency, onEnd: printResult });
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => pool.stop(signal));
pool.add(fileJobs(files));
const results = await pool.seal();
const failed = results.filter((r) => !r.ok);
const total = totalCounts(results);
// The totals in the spec reporter's words, as one `node --test` run of every file prints them.
for (const name of COUNTS) console.log(`ℹ ${name} ${total[name]}`);
if (record) writeFileSync(DURATIONS_FILE, writeDurations(results));
const notRun = files.length - results.length;
for (const r of failed) console.log(`run-tests: FAILED ${r.job.file} (exit ${r.signal ?? r.status})`);
if (notRun > 0) console.log(`run-tests: ${notRun} files not run (stopped)`);
const ok = failed.length === 0 && notRun === 0;
console.log(`run-tests: ${node}: ${roots.join(', ')} ${ok ? 'PASS' : 'FAIL'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(ok ? 0 : 1);
