import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { HistoryStore } from '../../../src/store/history/history-store.js';
import { sampleEntry, withTempDir } from './sample-entries.js';

/**
 * Whatever bytes the history file holds, open() returns a store (with a warning, or none when
 * the file is a valid history), never throws, never loses the bytes: a file it does not accept
 * whole is kept aside unchanged, and what it leaves behind is a valid history.
 */
async function openNeverCrashes(dir: string, bytes: Uint8Array): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  const file = join(dir, 'history.json');
  await mkdir(dir, { recursive: true });
  await writeFile(file, bytes);
  const { store, warning } = await HistoryStore.open(file, { flushOnExit: false });
  try {
    const kept = (await readdir(dir)).filter((n) => n.includes('.corrupt-'));
    if (warning === null) {
      assert.equal(kept.length, 0);
    } else {
      assert.ok(!warning.includes('\n'), 'one line');
      assert.equal(kept.length, 1);
      assert.ok((await readFile(join(dir, kept[0]!))).equals(Buffer.from(bytes)), 'kept byte for byte');
    }
    const onDisk = JSON.parse(await readFile(file, 'utf8')) as { version: number; entries: unknown[] };
    assert.equal(onDisk.version, 1);
    assert.equal(onDisk.entries.length, store.entries().length);
  } finally {
    await store.close();
  }
}

const validEntryJson = fc.integer({ min: 0, max: 1000 }).map((n) => sampleEntry(n));

describe('history file fuzzing', () => {
  test('random bytes as the history file never crash open()', () =>
    withTempDir(async (root) => {
      const dir = join(root, 'h');
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), (bytes) => openNeverCrashes(dir, bytes)),
        { numRuns: 150 },
      );
    }));

  test('random JSON values and mutated valid histories never crash open()', () =>
    withTempDir(async (root) => {
      const dir = join(root, 'h');
      const doc = fc.oneof(
        fc.json().map((s) => Buffer.from(s)),
        fc
          .record({
            version: fc.oneof(fc.constant(1), fc.anything()),
            entries: fc.array(fc.oneof(validEntryJson, fc.anything(), fc.record({ kind: fc.constantFrom('alert', 'block', 'unblock') }, { requiredKeys: [] })), { maxLength: 8 }),
          })
          .map((d) => Buffer.from(JSON.stringify(d) ?? '')),
        // A valid file with a few bytes flipped or cut short.
        fc
          .tuple(fc.array(validEntryJson, { minLength: 1, maxLength: 5 }), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean())
          .map(([entries, at, byte, truncate]) => {
            const buf = Buffer.from(JSON.stringify({ version: 1, entries }));
            const i = at % buf.length;
            if (truncate) return buf.subarray(0, i);
            buf[i] = byte;
            return buf;
          }),
      );
      await fc.assert(
        fc.asyncProperty(doc, (bytes) => openNeverCrashes(dir, bytes)),
        { numRuns: 200 },
      );
    }));
});
