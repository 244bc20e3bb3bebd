/**
 * Crafted malformed packets (test/support/crafted-frames.ts, committed as
 * fixtures/crafted/crafted-malformed.pcap): each is counted under its own malformed reason, and
 * nothing of one packet leaks into the next — a good packet right after a crafted one decodes
 * exactly as it does alone, and no payload or HTTP view reaches past its own captured bytes,
 * whether the frames come from the file reader or through one shared buffer as in live capture.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { LinkType } from '../../src/engine/capture/link-type.js';
import { openCaptureFile } from '../../src/engine/capture/file/open-capture-file.js';
import { decodeFrame, DecodeResult } from '../../src/engine/decode/decode-frame.js';
import { parseHttpRequest } from '../../src/engine/decode/http-request.js';
import { MALFORMED_REASON_NAMES, MalformedCounters } from '../../src/engine/decode/malformed.js';
import { Packet } from '../../src/engine/decode/packet.js';
import { craftedFrames, craftedSequence, goodFrames, LEAK_MARKER } from '../support/crafted-frames.js';
import { CRAFTED_PCAP, craftedPcapBytes } from '../support/crafted-pcap.js';
import { runCli } from '../support/run-cli.js';

/** Decodes a frame alone, in a buffer of exactly its length: the reference result. */
function decodeAlone(frame: Buffer) {
  const counters = new MalformedCounters();
  const pkt = new Packet();
  const buf = Buffer.from(frame);
  const result = decodeFrame(pkt, buf, 0, buf.length, buf.length, 1, LinkType.ETHERNET, counters);
  return { result, counters, view: view(pkt, buf, 0) };
}

/** What a consumer sees of a decoded packet, with offsets made relative to the frame start. */
function view(pkt: Packet, buf: Buffer, offset: number) {
  const { buf: _buf, tsMicros: _ts, ...fields } = pkt;
  const rel = (o: number) => (o === 0 ? 0 : o - offset);
  return {
    ...fields,
    ipOffset: rel(pkt.ipOffset),
    l4Offset: rel(pkt.l4Offset),
    payloadOffset: rel(pkt.payloadOffset),
    payload: pkt.payloadLen > 0 ? Buffer.from(buf.subarray(pkt.payloadOffset, pkt.payloadOffset + pkt.payloadLen)).toString('latin1') : '',
    http: pkt.payloadLen > 0 ? parseHttpRequest(buf, pkt.payloadOffset, pkt.payloadLen) : null,
  };
}

function reasonsOf(counters: MalformedCounters): string[] {
  return MALFORMED_REASON_NAMES.filter((_, i) => counters.counts[i]! > 0);
}

describe('crafted malformed packets', () => {
  test('the committed pcap is what the generator builds (regenerate: scripts/make-crafted-pcaps.ts)', () => {
    assert.ok(readFileSync(CRAFTED_PCAP).equals(craftedPcapBytes()));
  });

  test('each crafted frame is counted once, under its own reason (or decodes, where it must)', () => {
    const seen = new Set<string>();
    for (const c of craftedFrames()) {
      const { result, counters } = decodeAlone(c.frame);
      if (c.reason === null) {
        assert.equal(result, DecodeResult.IP, `${c.name} decodes`);
        assert.equal(counters.total, 0, `${c.name} is not counted`);
      } else {
        assert.equal(result, DecodeResult.MALFORMED, `${c.name} is malformed`);
        assert.equal(counters.total, 1, `${c.name} counted once`);
        assert.deepEqual(reasonsOf(counters), [c.reason], `${c.name}: reason`);
        seen.add(c.reason);
      }
    }
    // The set covers every reason an Ethernet frame can produce.
    const ethernetReasons = MALFORMED_REASON_NAMES.filter((r) => r !== 'unsupported_link_type');
    assert.deepEqual([...seen].sort(), [...ethernetReasons].sort());
  });

  test('read from the file: counts add up, good packets decode as alone, no view past its frame', async () => {
    const sequence = craftedSequence();
    const good = goodFrames().map((f) => decodeAlone(f).view);
    const source = await openCaptureFile(CRAFTED_PCAP.pathname);
    const counters = new MalformedCounters();
    const pkt = new Packet();
    let i = 0;
    const problems: string[] = [];
    const end = await source.start((buf, offset, capLen, wireLen, ts, linkType) => {
      const expected = sequence[i]!;
      decodeFrame(pkt, buf, offset, capLen, wireLen, ts, linkType, counters);
      if (pkt.payloadLen > 0 && pkt.payloadOffset + pkt.payloadLen > offset + capLen) problems.push(`record ${i}: payload past the frame`);
      const seenView = view(pkt, buf, offset);
      if (JSON.stringify(seenView).includes(LEAK_MARKER) && expected.crafted?.name !== 'large-http-with-marker') problems.push(`record ${i}: leak marker in ${expected.crafted?.name ?? 'a good frame'}`);
      if (expected.goodIndex !== null) {
        try {
          assert.deepEqual(seenView, good[expected.goodIndex]);
        } catch (e) {
          problems.push(`record ${i} (good ${expected.goodIndex} after ${sequence[i - 1]!.crafted!.name}): ${(e as Error).message.split('\n')[0]}`);
        }
      }
      i++;
    });
    assert.equal(end.reason, 'eof');
    assert.equal(i, sequence.length);
    assert.deepEqual(problems, []);
    const want: Record<string, number> = {};
    for (const c of craftedFrames()) if (c.reason !== null) want[c.reason] = (want[c.reason] ?? 0) + 1;
    assert.deepEqual(counters.toRecord(), want);
  });

  test('through one shared buffer, as live capture delivers them: nothing stale shows', () => {
    // LiveCaptureSource hands every packet in the same 64 KiB buffer at offset 0; the bytes
    // after a short packet are the previous, longer packet's.
    const shared = Buffer.alloc(65_536);
    const counters = new MalformedCounters();
    const pkt = new Packet();
    const good = goodFrames().map((f) => decodeAlone(f).view);
    for (const [i, r] of craftedSequence().entries()) {
      r.frame.copy(shared, 0);
      decodeFrame(pkt, shared, 0, r.frame.length, r.frame.length, 1, LinkType.ETHERNET, counters);
      assert.ok(pkt.payloadOffset + pkt.payloadLen <= r.frame.length, `record ${i}: payload past the frame`);
      const seen = view(pkt, shared, 0);
      if (r.goodIndex !== null) assert.deepEqual(seen, good[r.goodIndex], `record ${i}: good frame ${r.goodIndex}`);
      else if (r.crafted!.name !== 'large-http-with-marker') assert.ok(!JSON.stringify(seen).includes(LEAK_MARKER), `record ${i} (${r.crafted!.name}) shows stale bytes`);
    }
    // The check above can fail: right after the marker packet, the good short request sits on
    // its stale bytes (the sequence starts marker, then good frame 0; check that position).
    const marker = craftedSequence()[0]!;
    assert.equal(marker.crafted!.name, 'large-http-with-marker');
    const afterMarker = Buffer.from(marker.frame);
    goodFrames()[0]!.copy(afterMarker, 0);
    assert.ok(afterMarker.subarray(goodFrames()[0]!.length).toString('latin1').includes(LEAK_MARKER), 'stale marker bytes lie right behind the next frame');
  });

  test('the whole binary (--replay --headless) reports the same counts in its stats line', () => {
    const r = runCli(['--replay', CRAFTED_PCAP.pathname, '--headless']);
    assert.equal(r.status, 0, r.stderr);
    const stats = r.lines.filter((o) => o.event_type === 'stats').at(-1)!;
    const want: Record<string, number> = {};
    for (const c of craftedFrames()) if (c.reason !== null) want[c.reason] = (want[c.reason] ?? 0) + 1;
    assert.deepEqual(stats.malformed_by_reason, want);
    assert.equal(stats.malformed, Object.values(want).reduce((a, b) => a + b, 0));
    assert.equal(stats.packets, craftedSequence().length);
  });
});
