/**
 * Random garbage after a valid header and random mutations of valid files: the reader never
 * throws, never hangs, never hands out a view outside its buffer, and ends with `eof` or one
 * error line naming an offset.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PcapngBuilder, buildPcap, errorOffset, frame, readAll, writeTmp } from './capture-builder.js';

async function checkEnds(bytes: Buffer, chunk: number | undefined): Promise<number> {
  const file = writeTmp(bytes, 'fuzz');
  const r = await readAll(file, chunk === undefined ? {} : { readChunkBytes: chunk });
  assert.ok(r.end.reason === 'eof' || r.end.reason === 'error', JSON.stringify(r.end));
  if (r.end.reason === 'error') {
    assert.ok(r.end.error!.startsWith(`${file}: `) && !r.end.error!.includes('\n'), r.end.error);
    const offset = errorOffset(r.end);
    assert.ok(offset >= 0 && offset <= bytes.length, r.end.error);
  }
  assert.equal(r.stats.received, r.frames.length);
  for (const f of r.frames) assert.ok(f.capLen <= bytes.length);
  return r.frames.length;
}

const pcapHeader = buildPcap({ le: true }, []).bytes;
const pcapngHeader = new PcapngBuilder().shb({ le: false }).idb({ linkType: 1 }).build().bytes;

const validPcap = buildPcap({ le: false, nanos: true }, [
  { sec: 1, frac: 2, data: frame(30, 1) },
  { sec: 3, frac: 4, data: frame(8, 2) },
  { sec: 5, frac: 6, data: frame(70, 3) },
]).bytes;
const validPcapng = new PcapngBuilder()
  .shb({ le: true })
  .idb({ linkType: 1, tsresol: 9, snaplen: 40 })
  .idb({ linkType: 101, tsoffset: 7n })
  .epb({ iface: 1, ts: 99n, data: frame(30, 1), dropCount: 2n })
  .spb(frame(50, 2))
  .isb({ iface: 0, ifdrop: 3n })
  .opb({ iface: 0, drops: 1, ts: 5n, data: frame(9, 3) })
  .shb({ le: false })
  .idb({ linkType: 113 })
  .epbPlain(0, 7n, frame(12, 4))
  .build().bytes;

const chunkArb = fc.constantFrom(undefined, 16, 37, 256);

describe('garbage input', () => {
  it('pcap: random bytes after a valid header', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), chunkArb, async (tail, chunk) => {
        await checkEnds(Buffer.concat([pcapHeader, Buffer.from(tail)]), chunk);
      }),
      { numRuns: 150 },
    );
  });

  it('pcapng: random bytes after a valid section and interface', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), chunkArb, async (tail, chunk) => {
        await checkEnds(Buffer.concat([pcapngHeader, Buffer.from(tail)]), chunk);
      }),
      { numRuns: 150 },
    );
  });

  it('pcapng: plausible block headers with random lengths and bodies', async () => {
    const blockArb = fc.record({
      type: fc.constantFrom(1, 2, 3, 5, 6, 0x0a0d0d0a, 4, 0xbad),
      len: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.constant(0xfffffffc)),
      body: fc.uint8Array({ maxLength: 120 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(blockArb, { maxLength: 6 }), chunkArb, async (blocks, chunk) => {
        const parts: Buffer[] = [pcapngHeader];
        for (const b of blocks) {
          const head = Buffer.alloc(8);
          head.writeUInt32BE(b.type >>> 0, 0);
          head.writeUInt32BE(b.len >>> 0, 4);
          const trailer = Buffer.alloc(4);
          trailer.writeUInt32BE(b.len >>> 0, 0);
          parts.push(head, Buffer.from(b.body), trailer);
        }
        await checkEnds(Buffer.concat(parts), chunk);
      }),
      { numRuns: 200 },
    );
  });

  for (const [name, valid] of [
    ['pcap', validPcap],
    ['pcapng', validPcapng],
  ] as const) {
    it(`${name}: random byte mutations of a valid file`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
          chunkArb,
          async (mutations, chunk) => {
            const bytes = Buffer.from(valid);
            for (const [at, v] of mutations) if (at >= (name === 'pcap' ? 24 : 12)) bytes[at] = v;
            await checkEnds(bytes, chunk);
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it('unmutated fuzz seeds read completely', async () => {
    assert.equal(await checkEnds(validPcap, undefined), 3);
    assert.equal(await checkEnds(validPcapng, 16), 4);
  });
});
