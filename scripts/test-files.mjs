// The test files of a run and the pool jobs that run them on one Node.js binary.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DURATIONS_FILE = join(ROOT, 'scripts', 'test-durations.json');

/** Checks the host's firewall after every other file: it runs alone, at the very end. */
const RUNS_LAST = new Set(['test/e2e/zz-host-firewall-untouched.test.ts']);

const isEndToEnd = (file) => file.startsWith('test/e2e/');

function collect(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts') || name.endsWith('.test.tsx')) out.push(path);
  }
  return out;
}

/** Test files under the given folders or files, as paths relative to the repository. */
export function testFiles(roots) {
  return roots.flatMap((r) => (statSync(r).isDirectory() ? collect(r, []) : [r])).map((f) => relative(ROOT, resolve(f)));
}

/**
 * Seconds each file took in a recorded run: only the order of the queue depends on them (longest
 * first), so a stale or missing figure costs time, never a test. A file not listed counts as 1 s.
 */
export function expectedSeconds() {
  try {
    return JSON.parse(readFileSync(DURATIONS_FILE, 'utf8'));
  } catch {
    return {};
  }
}

/**
 * One job per file: `node --import tsx FILE` with the spec reporter. node:test runs a file's
 * tests when the file is executed, prints the same report and totals as under `--test`, and
 * exits non-zero when one fails; `--test`'s runner process per file would only add a start-up.
 */
export function fileJobs(files, { node = process.execPath, env = process.env, prefix = '', label = '' } = {}) {
  const seconds = expectedSeconds();
  return files.map((file) => ({
    label: `${label}${file}`,
    file,
    command: node,
    args: ['--import', 'tsx', '--test-reporter=spec', file],
    cwd: ROOT,
    env,
    prefix,
    seconds: seconds[file] ?? 1,
    // End-to-end files drive live traffic against deadlines (an alert within 2 s, a block within
    // 5 s, an nmap scan without retries answered in time) and share the host's firewall tools,
    // sshd and tmux: each runs alone, with the machine to itself. With a CPU-bound job beside
    // them, nmap -sT --max-retries 0 scans sometimes left the scanner unblocked.
    lane: isEndToEnd(file) ? 'e2e' : undefined,
    cap: isEndToEnd(file) ? 1 : undefined,
    last: RUNS_LAST.has(file),
  }));
}

export function writeDurations(results) {
  const seconds = expectedSeconds();
  for (const r of results) if (r.job.file !== undefined) seconds[r.job.file] = Math.round(r.seconds * 10) / 10;
  const sorted = Object.fromEntries(Object.keys(seconds).sort().map((k) => [k, seconds[k]]));
  return JSON.stringify(sorted, null, 2) + '\n';
}

export { DURATIONS_FILE };
