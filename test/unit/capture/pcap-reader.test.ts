import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceOpenError } from '../../../src/engine/capture/packet-source.js';
import { openCaptureFile } from '../../../src/engine/capture/file/open-capture-file.js';
import { buildPcap, errorOffset, frame, readAll, writeTmp, type PcapRecord } from './capture-builder.js';

const CHUNK_SIZES = [undefined, 16, 61, 100, 1000];

describe('pcap reader', () => {
  for (const le of [true, false]) {
    for (const nanos of [false, true]) {
      for (const chunk of CHUNK_SIZES) {
        it(`delivers every frame (${le ? 'LE' : 'BE'}, ${nanos ? 'ns' : 'µs'}, chunk ${chunk ?? 'default'})`, async () => {
          const records: PcapRecord[] = [];
          // Lengths from 0 up past the smallest chunk sizes, including one bigger than every chunk.
          const lengths = [60, 0, 1, 15, 16, 17, 1514, 63, 64, 4000, 42];
          lengths.forEach((len, i) => {
            records.push({
              sec: 1_700_000_000 + i,
              frac: nanos ? 999_999_999 - i * 1000 : 999_999 - i,
              data: frame(len, i),
              ...(i === 6 ? { origLen: 9000 } : {}),
            });
          });
          const built = buildPcap({ le, nanos, linkType: 113, snaplen: 262144 }, records);
          const file = writeTmp(built.bytes, 'frames.pcap');
          const result = await readAll(file, chunk === undefined ? {} : { readChunkBytes: chunk });
          assert.deepEqual(result.end, { reason: 'eof' });
          assert.equal(result.kind, 'file');
          assert.equal(result.description, file);
          assert.equal(result.frames.length, records.length);
          assert.deepEqual(result.stats, { received: records.length, dropped: null });
          result.frames.forEach((f, i) => {
            const r = records[i]!;
            assert.ok(f.data.equals(r.data), `frame ${i} bytes`);
            assert.equal(f.capLen, r.data.length);
            assert.equal(f.wireLen, r.origLen ?? r.data.length);
            assert.equal(f.linkType, 113);
            const expected = nanos ? r.sec * 1e6 + r.frac / 1000 : r.sec * 1e6 + r.frac;
            assert.equal(f.ts, expected, `frame ${i} ts`);
          });
        });
      }
    }
  }

  it('keeps microsecond timestamps exact and nanosecond ones to the nearest representable value', async () => {
    const us = buildPcap({ le: true }, [{ sec: 4_000_000_000, frac: 999_999, data: frame(10, 1) }]);
    const a = await readAll(writeTmp(us.bytes));
    assert.equal(a.frames[0]!.ts, 4_000_000_000_999_999);
    const ns = buildPcap({ le: false, nanos: true }, [{ sec: 1_700_000_000, frac: 123_456_789, data: frame(10, 1) }]);
    const b = await readAll(writeTmp(ns.bytes));
    assert.ok(Math.abs(b.frames[0]!.ts - 1_700_000_000_123_456.789) <= 0.125, String(b.frames[0]!.ts));
  });

  it('takes the link type from the low 16 bits only (upper bits carry FCS information)', async () => {
    const built = buildPcap({ le: true, linkType: 1, linkTypeHigh: 0x1400 }, [{ sec: 1, frac: 0, data: frame(20, 0) }]);
    const result = await readAll(writeTmp(built.bytes));
    assert.equal(result.frames[0]!.linkType, 1);
  });

  it('refuses a pcap of a link type the decoder cannot read, in one line, never a quiet exit 0', async () => {
    const built = buildPcap({ le: true, linkType: 65000 }, [{ sec: 1, frac: 0, data: frame(20, 0) }]);
    await assert.rejects(readAll(writeTmp(built.bytes)), /link type 65000 \(LINKTYPE_65000\) cannot be decoded; supported: Ethernet/);
  });

  it('reports wireLen ≥ capLen even when a writer stored orig_len < incl_len', async () => {
    const built = buildPcap({ le: true }, [{ sec: 1, frac: 0, data: frame(100, 0), origLen: 50 }]);
    const result = await readAll(writeTmp(built.bytes));
    assert.equal(result.frames[0]!.capLen, 100);
    assert.equal(result.frames[0]!.wireLen, 100);
  });

  it('accepts records up to 262144 bytes even with a small snaplen, rejects larger ones naming the offset', async () => {
    const ok = buildPcap({ le: true, snaplen: 96 }, [{ sec: 1, frac: 0, data: frame(262144, 3) }]);
    const a = await readAll(writeTmp(ok.bytes), { readChunkBytes: 4096 });
    assert.equal(a.end.reason, 'eof');
    assert.ok(a.frames[0]!.data.equals(frame(262144, 3)));

    const records: PcapRecord[] = [
      { sec: 1, frac: 0, data: frame(60, 1) },
      { sec: 2, frac: 0, data: frame(60, 2), inclLen: 262145 },
      { sec: 3, frac: 0, data: frame(60, 3) },
    ];
    const bad = buildPcap({ le: true, snaplen: 96 }, records);
    const file = writeTmp(bad.bytes);
    const b = await readAll(file);
    assert.equal(b.frames.length, 1);
    assert.equal(b.end.reason, 'error');
    assert.equal(errorOffset(b.end), bad.boundaries[1]);
    assert.ok(b.end.error!.startsWith(`${file}: `), b.end.error);
    assert.ok(!b.end.error!.includes('\n'));
  });

  it('allows records as large as a large snaplen', async () => {
    const built = buildPcap({ le: false, snaplen: 400_000 }, [{ sec: 1, frac: 0, data: frame(300_000, 9) }]);
    const result = await readAll(writeTmp(built.bytes), { readChunkBytes: 1000 });
    assert.equal(result.end.reason, 'eof');
    assert.ok(result.frames[0]!.data.equals(frame(300_000, 9)));
  });

  it('rejects an absurd length without allocating it', async () => {
    const built = buildPcap({ le: true, snaplen: 0xffffffff }, [{ sec: 1, frac: 0, data: frame(10, 0), inclLen: 0xfffffff0 }]);
    const result = await readAll(writeTmp(built.bytes));
    assert.equal(result.end.reason, 'error');
    assert.equal(errorOffset(result.end), 24);
  });

  it('refuses an unknown pcap major version at open', async () => {
    const built = buildPcap({ le: true, versionMajor: 1 }, []);
    const file = writeTmp(built.bytes);
    await assert.rejects(openCaptureFile(file), (err: unknown) => {
      assert.ok(err instanceof SourceOpenError);
      assert.match(err.message, /unsupported pcap version 1\.4/);
      assert.ok(err.message.includes(file));
      return true;
    });
  });

  it('reads a file with a header and no records as a clean end', async () => {
    const built = buildPcap({ le: true }, []);
    const result = await readAll(writeTmp(built.bytes));
    assert.deepEqual(result.end, { reason: 'eof' });
    assert.equal(result.frames.length, 0);
  });
});
