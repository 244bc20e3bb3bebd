#!/usr/bin/env node
// Runs every test file under test/ (or those under the folders given as arguments) with
// node:test through tsx. Node 20's --test takes no glob patterns, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function collect(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts') || name.endsWith('.test.tsx')) out.push(path);
  }
  return out;
}

const roots = process.argv.length > 2 ? process.argv.slice(2) : ['test'];
const files = roots.flatMap((r) => (statSync(r).isDirectory() ? collect(r, []) : [r]));
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
// Which Node runs the suites, first and last: the log of a run on several versions says it.
const node = `node ${process.version} (ABI ${process.versions.modules})`;
console.log(`run-tests: ${node}: ${files.length} test files under ${roots.join(', ')}`);
const started = Date.now();
// One file at a time: end-to-end tests share network namespaces and CPU-bound timing.
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { stdio: 'inherit' });
const status = result.status ?? 1;
console.log(`run-tests: ${node}: ${roots.join(', ')} ${status === 0 ? 'PASS' : `FAIL (exit ${result.signal ?? status})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(status);
