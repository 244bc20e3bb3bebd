/**
 * Cuts small valid files at every byte length: the reader must deliver exactly the packets
 * that are complete, then end cleanly (at a record boundary) or with one error line naming the
 * offset of the cut record — never throw from start(), never hang.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceOpenError } from '../../../src/engine/capture/packet-source.js';
import { openCaptureFile } from '../../../src/engine/capture/file/open-capture-file.js';
import { PcapngBuilder, buildPcap, errorOffset, frame, readAll, writeTmp, type BuiltFile } from './capture-builder.js';

async function checkEveryLength(built: BuiltFile, chunk?: number): Promise<void> {
  const { bytes, boundaries, packetsAt, headerBytes } = built;
  for (let len = 0; len <= bytes.length; len++) {
    const file = writeTmp(bytes.subarray(0, len), 'cut');
    if (len < headerBytes) {
      await assert.rejects(openCaptureFile(file), SourceOpenError, `length ${len}`);
      continue;
    }
    const r = await readAll(file, chunk === undefined ? {} : { readChunkBytes: chunk });
    // The record containing the cut starts at the last boundary ≤ len.
    let i = 0;
    while (i + 1 < boundaries.length && boundaries[i + 1]! <= len) i++;
    if (boundaries[i] === len) {
      assert.deepEqual(r.end, { reason: 'eof' }, `length ${len}`);
    } else {
      assert.equal(r.end.reason, 'error', `length ${len}: ${JSON.stringify(r.end)}`);
      assert.equal(errorOffset(r.end), boundaries[i], `length ${len}: ${r.end.error}`);
      assert.ok(r.end.error!.startsWith(`${file}: `) && !r.end.error!.includes('\n'));
      assert.match(r.end.error!, /truncated/);
    }
    assert.equal(r.frames.length, packetsAt[i], `length ${len}`);
    assert.equal(r.stats.received, packetsAt[i]);
  }
}

describe('truncated files', () => {
  for (const le of [true, false]) {
    it(`pcap cut at every length (${le ? 'LE' : 'BE'})`, async () => {
      const built = buildPcap({ le, nanos: !le }, [
        { sec: 1, frac: 2, data: frame(20, 1) },
        { sec: 3, frac: 4, data: frame(0, 2) },
        { sec: 5, frac: 6, data: frame(33, 3) },
      ]);
      await checkEveryLength(built);
      await checkEveryLength(built, 16);
    });

    it(`pcapng cut at every length (${le ? 'LE' : 'BE'})`, async () => {
      const b = new PcapngBuilder()
        .shb({ le })
        .idb({ linkType: 1, tsresol: 9 })
        .epbPlain(0, 1n, frame(20, 1))
        .other(4, Buffer.alloc(8))
        .spb(frame(9, 2))
        .epb({ iface: 0, ts: 2n, data: frame(3, 3), dropCount: 1n })
        .opb({ iface: 0, drops: 0, ts: 3n, data: frame(5, 4) })
        .shb({ le: !le })
        .idb({ linkType: 101 })
        .epbPlain(0, 4n, frame(7, 5));
      const built = b.build();
      // The SHB is boundary 0: a file cut inside it (after 12 bytes) opens but ends with an error.
      await checkEveryLength(built);
      await checkEveryLength(built, 16);
    });
  }
});
