/**
 * The fuzz targets of targets.ts in every `npm test`: first the committed corpus
 * (test/fuzz/corpus/<target>/*.bin — inputs that once failed or reach deep paths), then a short
 * random run. SNOOPY_FUZZ_RUNS sets the runs of the fastest target (default 5000; file-system
 * targets get a share by weight), SNOOPY_FUZZ_SEED replays a reported run. The long run with a
 * time budget is `npm run fuzz`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { checkBounded, corpusOf, FUZZ_TARGETS } from './targets.js';

const RUNS = Number(process.env['SNOOPY_FUZZ_RUNS'] ?? 5000);
const SEED = process.env['SNOOPY_FUZZ_SEED'] === undefined ? undefined : Number(process.env['SNOOPY_FUZZ_SEED']);
const MAX_WEIGHT = Math.max(...FUZZ_TARGETS.map((t) => t.weight));

describe('fuzz targets', () => {
  for (const target of FUZZ_TARGETS) {
    test(`${target.name}: committed corpus`, async () => {
      const corpus = corpusOf(target.name);
      assert.ok(corpus.length > 0, `test/fuzz/corpus/${target.name}/ holds inputs`);
      for (const { name, bytes } of corpus) {
        try {
          await checkBounded(target, bytes);
        } catch (e) {
          throw new Error(`corpus ${target.name}/${name}: ${(e as Error).message}`);
        }
      }
    });

    test(`${target.name}: random run`, async () => {
      const numRuns = Math.max(20, Math.round((RUNS * target.weight) / MAX_WEIGHT));
      await fc.assert(
        fc.asyncProperty(target.arbitrary, (input) => checkBounded(target, input)),
        { numRuns, ...(SEED !== undefined ? { seed: SEED } : {}) },
      );
    });
  }
});
