import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceOpenError } from '../../../src/engine/capture/packet-source.js';
import { openCaptureFile } from '../../../src/engine/capture/file/open-capture-file.js';
import { PcapngBuilder, errorOffset, frame, readAll, writeTmp } from './capture-builder.js';

const CHUNK_SIZES = [undefined, 16, 50, 128];
const T0 = 1_700_000_000_123_456n; // µs

function exactMicros(raw: bigint, unitsPerSecond: bigint, offsetSeconds = 0n): number {
  // raw / unitsPerSecond seconds, in µs, computed exactly then rounded once by Number().
  const num = raw * 1_000_000n + offsetSeconds * 1_000_000n * unitsPerSecond;
  const q = num / unitsPerSecond;
  const r = num % unitsPerSecond;
  return Number(q) + Number(r) / Number(unitsPerSecond);
}

describe('pcapng reader', () => {
  for (const le of [true, false]) {
    for (const chunk of CHUNK_SIZES) {
      it(`reads EPBs with default µs resolution (${le ? 'LE' : 'BE'}, chunk ${chunk ?? 'default'})`, async () => {
        const b = new PcapngBuilder().shb({ le }).idb({ linkType: 1, snaplen: 65535 });
        const lengths = [60, 0, 1, 3, 5, 1514, 200, 61];
        lengths.forEach((len, i) => b.epbPlain(0, T0 + BigInt(i * 1000), frame(len, i), i === 5 ? 9000 : undefined));
        const file = writeTmp(b.build().bytes, 'epb.pcapng');
        const r = await readAll(file, chunk === undefined ? {} : { readChunkBytes: chunk });
        assert.deepEqual(r.end, { reason: 'eof' });
        assert.equal(r.frames.length, lengths.length);
        assert.deepEqual(r.stats, { received: lengths.length, dropped: null });
        r.frames.forEach((f, i) => {
          assert.ok(f.data.equals(frame(lengths[i]!, i)), `frame ${i}`);
          assert.equal(f.capLen, lengths[i]);
          assert.equal(f.wireLen, i === 5 ? 9000 : lengths[i]);
          assert.equal(f.ts, Number(T0) + i * 1000); // exact: µs values < 2^53
          assert.equal(f.linkType, 1);
        });
      });
    }
  }

  it('converts nanosecond, millisecond and 2^-n resolutions and if_tsoffset with full precision', async () => {
    const nsRaw = 1_700_000_000_123_456_789n;
    const msRaw = 1_700_000_000_123n;
    const binRaw = (1_700_000_000n << 30n) + 123_456_789n; // 2^-30 s units
    const bin32Raw = (1_700_000_000n << 32n) + 0x8000_0000n; // 2^-32 s: exactly .5 s
    for (const le of [true, false]) {
      const b = new PcapngBuilder()
        .shb({ le })
        .idb({ linkType: 1, tsresol: 9 })
        .idb({ linkType: 101, tsresol: 3 })
        .idb({ linkType: 113, tsresol: 0x80 | 30 })
        .idb({ linkType: 276, tsresol: 0x80 | 32, tsoffset: 3600n })
        .idb({ linkType: 228, tsoffset: -1_000_000n })
        .epbPlain(0, nsRaw, frame(10, 0))
        .epbPlain(1, msRaw, frame(11, 1))
        .epbPlain(2, binRaw, frame(12, 2))
        .epbPlain(3, bin32Raw, frame(13, 3))
        .epbPlain(4, T0, frame(14, 4));
      const r = await readAll(writeTmp(b.build().bytes));
      assert.equal(r.end.reason, 'eof');
      const [ns, ms, bin, bin32, off] = r.frames;
      assert.deepEqual(r.frames.map((f) => f.linkType), [1, 101, 113, 276, 228]);
      // One rounding (≤ half a unit in the last place, 0.125 µs at this magnitude), not two.
      assert.ok(Math.abs(ns!.ts - exactMicros(nsRaw, 1_000_000_000n)) <= 0.125, `ns ${ns!.ts}`);
      assert.equal(ms!.ts, 1_700_000_000_123_000);
      assert.ok(Math.abs(bin!.ts - exactMicros(binRaw, 1n << 30n)) <= 0.125, `bin ${bin!.ts}`);
      assert.equal(bin32!.ts, (1_700_000_000 + 3600) * 1e6 + 500_000);
      assert.equal(off!.ts, Number(T0) - 1e12);
    }
  });

  it('keeps each interface’s own link type and resolution, and resets interfaces per section', async () => {
    const b = new PcapngBuilder()
      .shb({ le: true })
      .idb({ linkType: 1 })
      .idb({ linkType: 113, tsresol: 9 })
      .epbPlain(1, 1_000_000_000_000_000_000n, frame(30, 1))
      .epbPlain(0, 1_000_000_000_000_000n, frame(31, 2))
      // Second section, other byte order: interface 0 is now raw IP with ms resolution.
      .shb({ le: false })
      .idb({ linkType: 101, tsresol: 3 })
      .epbPlain(0, 2_000_000_000_000n, frame(32, 3))
      .shb({ le: true })
      .idb({ linkType: 276 })
      .epbPlain(0, 3_000_000_000_000_000n, frame(33, 4));
    const r = await readAll(writeTmp(b.build().bytes));
    assert.equal(r.end.reason, 'eof');
    assert.deepEqual(
      r.frames.map((f) => [f.linkType, f.ts, f.capLen]),
      [
        [113, 1e15, 30],
        [1, 1e15, 31],
        [101, 2e15, 32],
        [276, 3e15, 33],
      ],
    );
    assert.ok(r.frames[2]!.data.equals(frame(32, 3)));
  });

  it('errors on an interface id left over from a previous section', async () => {
    const b = new PcapngBuilder()
      .shb({ le: true })
      .idb({ linkType: 1 })
      .idb({ linkType: 1 })
      .epbPlain(1, T0, frame(10, 0))
      .shb({ le: true })
      .idb({ linkType: 1 })
      .epbPlain(1, T0, frame(10, 1));
    const built = b.build();
    const r = await readAll(writeTmp(built.bytes));
    assert.equal(r.frames.length, 1);
    assert.equal(r.end.reason, 'error');
    assert.match(r.end.error!, /interface 1/);
    assert.equal(errorOffset(r.end), built.boundaries[6]);
  });

  for (const le of [true, false]) {
    it(`reads simple packet blocks: captured = min(original, snaplen, room) (${le ? 'LE' : 'BE'})`, async () => {
      const b = new PcapngBuilder()
        .shb({ le })
        .idb({ linkType: 1, snaplen: 64 })
        .idb({ linkType: 101 })
        .epbPlain(0, T0, frame(40, 0))
        .spb(frame(50, 1)) // whole frame
        .spb(frame(101, 2)) // cut to snaplen 64
        .spb(frame(10, 3), 5) // original shorter than the data: 5
        .spb(frame(7, 4)); // padding: room is 8, original 7
      const r = await readAll(writeTmp(b.build().bytes));
      assert.equal(r.end.reason, 'eof');
      assert.deepEqual(
        r.frames.map((f) => [f.capLen, f.wireLen, f.linkType]),
        [
          [40, 40, 1],
          [50, 50, 1],
          [64, 101, 1],
          [5, 5, 1],
          [7, 7, 1],
        ],
      );
      assert.ok(r.frames[2]!.data.equals(frame(101, 2).subarray(0, 64)));
      assert.ok(r.frames[3]!.data.equals(frame(10, 3).subarray(0, 5)));
      assert.ok(r.frames[4]!.data.equals(frame(7, 4)));
      // SPBs carry no timestamp: they get the previous packet's.
      assert.ok(r.frames.every((f) => f.ts === Number(T0)));
    });
  }

  it('errors on a simple packet block before any interface', async () => {
    const built = new PcapngBuilder().shb({ le: true }).spb(frame(10, 0)).build();
    const r = await readAll(writeTmp(built.bytes));
    assert.equal(r.end.reason, 'error');
    assert.equal(errorOffset(r.end), built.boundaries[1]);
  });

  it('reads obsolete packet blocks and counts their drops', async () => {
    for (const le of [true, false]) {
      const b = new PcapngBuilder()
        .shb({ le })
        .idb({ linkType: 1 })
        .idb({ linkType: 113, tsresol: 9 })
        .opb({ iface: 1, drops: 3, ts: 5_000_000_000n, data: frame(33, 1), origLen: 70 })
        .opb({ iface: 0, drops: 0xffff, ts: T0, data: frame(34, 2) })
        .opb({ iface: 0, drops: 4, ts: T0 + 1n, data: frame(35, 3) });
      const r = await readAll(writeTmp(b.build().bytes));
      assert.equal(r.end.reason, 'eof');
      assert.deepEqual(
        r.frames.map((f) => [f.linkType, f.ts, f.capLen, f.wireLen]),
        [
          [113, 5_000_000, 33, 70],
          [1, Number(T0), 34, 34],
          [1, Number(T0) + 1, 35, 35],
        ],
      );
      assert.ok(r.frames[0]!.data.equals(frame(33, 1)));
      assert.equal(r.stats.dropped, 7); // 0xffff means "unknown"
    }
  });

  it('sums epb_dropcount options, reading past other options', async () => {
    for (const le of [true, false]) {
      const b = new PcapngBuilder().shb({ le }).idb({ linkType: 1 });
      b.epb({ iface: 0, ts: T0, data: frame(21, 0), dropCount: 5n })
        .epbPlain(0, T0 + 1n, frame(22, 1))
        .epb({ iface: 0, ts: T0 + 2n, data: frame(23, 2), options: [{ code: 3, value: Buffer.from('x') }] })
        .epb({ iface: 0, ts: T0 + 3n, data: frame(24, 3), dropCount: 0x1_0000_0002n });
      const r = await readAll(writeTmp(b.build().bytes));
      assert.equal(r.end.reason, 'eof');
      assert.equal(r.frames.length, 4);
      assert.ok(r.frames[3]!.data.equals(frame(24, 3)));
      assert.equal(r.stats.dropped, 5 + 0x1_0000_0002);
    }
  });

  it('takes drops from interface statistics blocks when packets carry none', async () => {
    const b = new PcapngBuilder()
      .shb({ le: true })
      .idb({ linkType: 1 })
      .idb({ linkType: 1 })
      .epbPlain(0, T0, frame(10, 0))
      .isb({ iface: 0, ifdrop: 2n })
      .isb({ iface: 0, ifdrop: 9n, osdrop: 1n }) // cumulative: replaces the previous one
      .isb({ iface: 1, ifdrop: 4n })
      .isb({ iface: 7, ifdrop: 100n }); // no such interface: ignored
    const r = await readAll(writeTmp(b.build().bytes));
    assert.equal(r.end.reason, 'eof');
    assert.equal(r.stats.dropped, 14);
  });

  it('skips unknown, name-resolution, secrets and custom blocks by their length', async () => {
    const b = new PcapngBuilder()
      .shb({ le: false, options: [{ code: 4, value: Buffer.from('snoopy test') }] })
      .other(0x0000000a, frame(40, 9)) // decryption secrets
      .idb({ linkType: 1 })
      .other(4, Buffer.from([0, 1, 0, 4, 127, 0, 0, 1, 0, 0, 0, 0])) // NRB
      .epbPlain(0, T0, frame(60, 1))
      .other(0x00000bad, frame(13, 2)) // custom
      .other(0x40000bad, frame(3, 3))
      .other(0x12345678, Buffer.alloc(0))
      .epbPlain(0, T0 + 5n, frame(61, 2));
    const r = await readAll(writeTmp(b.build().bytes), { readChunkBytes: 32 });
    assert.equal(r.end.reason, 'eof');
    assert.equal(r.frames.length, 2);
    assert.ok(r.frames[1]!.data.equals(frame(61, 2)));
  });

  describe('validation', () => {
    async function expectError(built: { bytes: Buffer; boundaries: number[] }, blockIndex: number, pattern: RegExp, delivered: number): Promise<void> {
      const file = writeTmp(built.bytes);
      const r = await readAll(file);
      assert.equal(r.end.reason, 'error', JSON.stringify(r.end));
      assert.match(r.end.error!, pattern);
      assert.ok(r.end.error!.startsWith(`${file}: `));
      assert.equal(errorOffset(r.end), built.boundaries[blockIndex]);
      assert.equal(r.frames.length, delivered);
    }

    function rawBlock(le: boolean, type: number, total: number, trailer: number, bodyLen = total - 12): Buffer {
      const b = Buffer.alloc(8 + Math.max(0, bodyLen) + 4);
      const w32 = (v: number, o: number): number => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
      w32(type, 0);
      w32(total, 4);
      w32(trailer, b.length - 4);
      return b;
    }

    it('rejects a total length below 12 or not a multiple of 4', async () => {
      for (const total of [8, 0, 13, 30]) {
        const built = new PcapngBuilder().shb({ le: true }).idb({ linkType: 1 }).epbPlain(0, T0, frame(8, 0)).rawBytes(rawBlock(true, 0x99, total, total, 20)).build();
        await expectError(built, 3, /invalid total length/, 1);
      }
    });

    it('rejects a trailing length that differs from the leading one', async () => {
      const built = new PcapngBuilder().shb({ le: false }).idb({ linkType: 1 }).rawBytes(rawBlock(false, 0x99, 20, 24)).epbPlain(0, T0, frame(8, 0)).build();
      await expectError(built, 2, /trailing length 24 differs from leading length 20/, 0);
    });

    it('rejects an interface id out of range', async () => {
      const built = new PcapngBuilder().shb({ le: true }).idb({ linkType: 1 }).epbPlain(0, T0, frame(8, 0)).epbPlain(1, T0, frame(8, 0)).build();
      await expectError(built, 3, /interface 1, but the section has 1/, 1);
    });

    it('rejects a captured length that does not fit in the block', async () => {
      const built = new PcapngBuilder().shb({ le: true }).idb({ linkType: 1 }).epb({ iface: 0, ts: T0, data: frame(8, 0), capLen: 9 }).build();
      await expectError(built, 2, /captured length 9 does not fit/, 0);
      const huge = new PcapngBuilder().shb({ le: false }).idb({ linkType: 1 }).epb({ iface: 0, ts: T0, data: frame(8, 0), capLen: 0xffffffff }).build();
      await expectError(huge, 2, /does not fit/, 0);
    });

    it('rejects an unsupported section version', async () => {
      const built = new PcapngBuilder().shb({ le: true }).idb({ linkType: 1 }).epbPlain(0, T0, frame(8, 0)).shb({ le: true, major: 2 }).build();
      await expectError(built, 3, /unsupported pcapng version 2\.0/, 1);
    });

    it('rejects a later section header with a bad byte-order magic', async () => {
      const good = new PcapngBuilder().shb({ le: true }).idb({ linkType: 1 }).epbPlain(0, T0, frame(8, 0)).shb({ le: true }).build();
      const bytes = Buffer.from(good.bytes);
      bytes.writeUInt32LE(0xdeadbeef, good.boundaries[3]! + 8);
      await expectError({ bytes, boundaries: good.boundaries }, 3, /bad byte-order magic \(ef be ad de\)/, 1);
    });

    it('rejects an absurd block length without allocating it', async () => {
      const built = new PcapngBuilder().shb({ le: true }).idb({ linkType: 1 }).rawBytes(rawBlock(true, 6, 0xfffffff0, 0, 20)).build();
      await expectError(built, 2, /claims 4294967280 bytes/, 0);
    });

    it('refuses at open a file whose first block has a bad byte-order magic', async () => {
      const good = new PcapngBuilder().shb({ le: true }).build();
      const bytes = Buffer.from(good.bytes);
      bytes.writeUInt32LE(0x01020304, 8);
      const file = writeTmp(bytes);
      await assert.rejects(openCaptureFile(file), (err: unknown) => {
        assert.ok(err instanceof SourceOpenError);
        assert.match(err.message, /byte-order magic is 04 03 02 01/);
        assert.ok(err.message.includes(file));
        return true;
      });
    });
  });
});
