/**
 * The long fuzz run: `npm run fuzz -- [--seconds N] [--target NAME] [--seed-corpus]`.
 *
 * Cycles through the targets of test/fuzz/targets.ts in batches until the time budget is spent
 * (default 300 s), printing progress. A failing input is shrunk by fast-check and saved into
 * test/fuzz/corpus/<target>/crash-<sha1>.bin, where every `npm test` replays it from then on;
 * the run goes on with the next batch. Exit status 1 when anything failed.
 * --seed-corpus writes each target's seed inputs into its corpus directory (seed-<sha1>.bin).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { checkBounded, CORPUS_ROOT, FUZZ_TARGETS, type FuzzTarget } from '../test/fuzz/targets.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function save(target: string, prefix: string, bytes: Uint8Array): string {
  const dir = join(CORPUS_ROOT, target);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${prefix}-${createHash('sha1').update(bytes).digest('hex').slice(0, 16)}.bin`);
  if (!existsSync(file)) writeFileSync(file, bytes);
  return file;
}

const only = arg('--target');
const targets = FUZZ_TARGETS.filter((t) => only === undefined || t.name === only);
if (targets.length === 0) {
  process.stderr.write(`fuzz: no target '${only}'; targets: ${FUZZ_TARGETS.map((t) => t.name).join(', ')}\n`);
  process.exit(2);
}

if (process.argv.includes('--seed-corpus')) {
  for (const t of targets) for (const s of t.seeds) process.stdout.write(`${save(t.name, 'seed', s)}\n`);
  process.exit(0);
}

const budgetMs = Number(arg('--seconds') ?? 300) * 1000;
const started = Date.now();
const totals = new Map<string, { runs: number; failures: number }>(targets.map((t) => [t.name, { runs: 0, failures: 0 }]));

async function batch(target: FuzzTarget): Promise<void> {
  const numRuns = Math.max(50, target.weight * 100);
  const seed = Date.now() ^ (Math.random() * 0x7fffffff);
  const result = await fc.check(fc.asyncProperty(target.arbitrary, (input) => checkBounded(target, input)), { numRuns, seed });
  const total = totals.get(target.name)!;
  total.runs += result.numRuns;
  if (result.failed && result.counterexample !== null) {
    total.failures++;
    const [input] = result.counterexample;
    const file = save(target.name, 'crash', input);
    const why = String((result.errorInstance as Error | undefined)?.message ?? result.errorInstance).split('\n')[0];
    process.stdout.write(`FAIL ${target.name} (seed ${seed}): ${why}\n  saved ${file}\n`);
  }
}

while (Date.now() - started < budgetMs) {
  for (const t of targets) {
    if (Date.now() - started >= budgetMs) break;
    await batch(t);
  }
  const elapsed = Math.round((Date.now() - started) / 1000);
  const line = [...totals].map(([name, t]) => `${name} ${t.runs}${t.failures > 0 ? ` (${t.failures} FAILED)` : ''}`).join(', ');
  process.stdout.write(`[${elapsed}s/${budgetMs / 1000}s] ${line}\n`);
}

const failures = [...totals.values()].reduce((n, t) => n + t.failures, 0);
process.stdout.write(failures === 0 ? 'fuzz: no failures\n' : `fuzz: ${failures} failing inputs saved under ${CORPUS_ROOT}\n`);
process.exit(failures === 0 ? 0 : 1);
