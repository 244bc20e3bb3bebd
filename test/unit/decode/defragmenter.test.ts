import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeReassembled } from '../../../src/engine/decode/decode-reassembled.js';
import { DecodeResult } from '../../../src/engine/decode/decode-frame.js';
import { Defragmenter, type DefragOptions } from '../../../src/engine/decode/defragmenter.js';
import { FragmentAnomaly } from '../../../src/engine/decode/fragment-anomaly.js';
import { MalformedCounters } from '../../../src/engine/decode/malformed.js';
import { IpProto, Packet, TcpFlag } from '../../../src/engine/decode/packet.js';
import { formatAddress } from '../../../src/net/address.js';
import { ipv4, ipv6, tcp, udp, MSS_ONLY } from '../../support/frame-builder.js';
import { cut, decodeRaw, fragment, type Piece } from '../../support/fragments.js';

const T0 = 1.7e15;

function harness(options: DefragOptions = {}) {
  const defrag = new Defragmenter(options);
  const anomalies: { kind: number; src: string; dst: string; proto: number }[] = [];
  defrag.listener = {
    onFragmentAnomaly: (kind, a, proto) => anomalies.push({ kind, src: formatAddress(a[0]!, a[1]!, a[2]!, a[3]!), dst: formatAddress(a[4]!, a[5]!, a[6]!, a[7]!), proto }),
  };
  const pkt = new Packet();
  /** Feeds fragments; returns the reassembled datagrams as decoded packets' copies. */
  const feed = (frames: Buffer[], ts = T0, step = 10) => {
    const out: { bytes: Buffer; pkt: Packet }[] = [];
    frames.forEach((f, i) => {
      decodeRaw(f, ts + i * step, f.length, pkt);
      assert.equal(pkt.isFragment, true, 'a fragment');
      if (!defrag.add(pkt)) return;
      const bytes = Buffer.from(defrag.out.subarray(0, defrag.outLength));
      const whole = new Packet();
      assert.equal(decodeReassembled(whole, defrag, new MalformedCounters()), DecodeResult.IP);
      out.push({ bytes, pkt: whole });
    });
    return out;
  };
  return { defrag, anomalies, feed };
}

const kinds = (a: { kind: number }[]) => a.map((x) => x.kind).sort();

const synV4 = ipv4({ src: '203.0.113.9', dst: '10.0.0.2', proto: IpProto.TCP }, tcp({ srcPort: 51000, dstPort: 443, flags: TcpFlag.SYN, options: MSS_ONLY }));
const bigUdp = (src: string, dst: string, n: number) => {
  const payload = Buffer.alloc(n);
  for (let i = 0; i < n; i++) payload[i] = (i * 7 + 3) & 0xff;
  const d = udp({ srcPort: 53, dstPort: 40000, payload });
  return src.includes(':') ? ipv6(src, dst, IpProto.UDP, d) : ipv4({ src, dst, proto: IpProto.UDP }, d);
};

/** The reassembled datagram equals the original but for the fields fragmentation changes. */
function sameDatagram(got: Buffer, want: Buffer) {
  assert.equal(got.length, want.length);
  const v6 = want[0]! >> 4 === 6;
  const skip = v6 ? new Set<number>() : new Set([4, 5, 6, 7, 10, 11]);
  for (let i = 0; i < want.length; i++) if (!skip.has(i) && got[i] !== want[i]) assert.fail(`byte ${i}: ${got[i]} != ${want[i]}`);
}

describe('Defragmenter', () => {
  test('a SYN cut in 8-byte fragments (nmap -f) is the SYN again, and a tiny-fragment anomaly', () => {
    const h = harness();
    const frames = cut(synV4, 8).map((p) => fragment(synV4, p));
    assert.equal(frames.length, 3);
    const done = h.feed(frames);
    assert.equal(done.length, 1);
    sameDatagram(done[0]!.bytes, synV4);
    const p = done[0]!.pkt;
    assert.equal(p.reassembled, true);
    assert.equal(p.fragCount, 3);
    assert.equal(p.isFragment, false);
    assert.equal(p.dstPort, 443);
    assert.equal(p.tcpFlags, TcpFlag.SYN);
    assert.equal(p.wireLen, frames.reduce((n, f) => n + f.length, 0), 'wire length: what the fragments took');
    assert.deepEqual(kinds(h.anomalies), [FragmentAnomaly.TINY], 'one TINY per datagram, not per fragment');
    assert.equal(h.anomalies[0]!.src, '203.0.113.9');
    assert.equal(h.defrag.pending, 0);
    assert.equal(h.defrag.bytesHeld, 0);
  });

  test('IPv4 and IPv6 datagrams of 4000 bytes, MTU-sized fragments in any order: complete, no anomaly', () => {
    for (const [src, dst, size] of [['192.0.2.53', '10.0.0.2', 1480], ['2001:db8::53', 'fd00::2', 1232]] as const) {
      const d = bigUdp(src, dst, 4000);
      const h = harness();
      const frames = cut(d, size).map((p) => fragment(d, p));
      const order = [2, 0, 3, 1].filter((i) => i < frames.length);
      const done = h.feed(order.map((i) => frames[i]!));
      assert.equal(done.length, 1, `${src}: reassembled`);
      sameDatagram(done[0]!.bytes, d);
      assert.equal(done[0]!.pkt.srcPort, 53);
      assert.equal(done[0]!.pkt.payloadLen, 4000);
      assert.deepEqual(h.anomalies, []);
    }
  });

  test('the IPv6 header chain before the fragment header is kept; the fragment header is not', () => {
    const d = bigUdp('2001:db8::53', 'fd00::2', 2000);
    const h = harness();
    // a destination-options header in the unfragmentable part
    const withOpts = (f: Buffer) => {
      const o = Buffer.alloc(8);
      o[0] = 44;
      const g = Buffer.concat([f.subarray(0, 40), o, f.subarray(40)]);
      g[6] = 60;
      g.writeUInt16BE(g.length - 40, 4);
      return g;
    };
    const done = h.feed(cut(d, 1232).map((p) => withOpts(fragment(d, p))));
    assert.equal(done.length, 1);
    const got = done[0]!.bytes;
    assert.equal(got.length, d.length + 8);
    assert.equal(got[6], 60, 'IPv6 header names the options');
    assert.equal(got[40], IpProto.UDP, 'the options name UDP, not a fragment header');
    assert.equal(got.readUInt16BE(4), got.length - 40);
    assert.equal(done[0]!.pkt.proto, IpProto.UDP);
    assert.equal(done[0]!.pkt.dstPort, 40000);
  });

  test('overlaps keep the first copy; different bytes are an OVERLAP anomaly, identical ones a duplicate', () => {
    const d = bigUdp('192.0.2.53', '10.0.0.2', 64);
    const h = harness();
    const evil: Piece = { offset: 8, length: 16, more: true, bytes: Buffer.alloc(16, 0xee) };
    const frames = [fragment(d, { offset: 0, length: 24 }), fragment(d, evil), fragment(d, { offset: 24, length: 48 })];
    const done = h.feed(frames);
    assert.equal(done.length, 1);
    sameDatagram(done[0]!.bytes, d);
    assert.deepEqual(kinds(h.anomalies), [FragmentAnomaly.TINY, FragmentAnomaly.OVERLAP]);

    const h2 = harness();
    const pieces = cut(d, 16);
    const again = h2.feed([...pieces.slice(0, 2), pieces[1]!, ...pieces.slice(2)].map((p) => fragment(d, p)));
    assert.equal(again.length, 1);
    assert.equal(h2.defrag.duplicates, 1);
    assert.ok(!h2.anomalies.some((a) => a.kind === FragmentAnomaly.OVERLAP));
  });

  test('a later fragment rewriting the TCP flags (RFC 1858 overlap) does not change what was seen first', () => {
    const h = harness();
    const flipped = Buffer.from(synV4.subarray(20));
    flipped[13] = TcpFlag.ACK | TcpFlag.RST;
    const frames = [fragment(synV4, { offset: 0, length: 16 }), fragment(synV4, { offset: 8, length: 16, bytes: flipped.subarray(8, 24), more: false })];
    const done = h.feed(frames);
    assert.equal(done.length, 1);
    assert.equal(done[0]!.pkt.tcpFlags, TcpFlag.SYN);
    assert.ok(kinds(h.anomalies).includes(FragmentAnomaly.OVERLAP));
  });

  test('beyond 65,535 bytes, two different ends or data past the end: MALFORMED, the datagram is dropped', () => {
    const d = bigUdp('192.0.2.66', '10.0.0.2', 2000);
    const pod = harness();
    pod.feed([fragment(d, { offset: 65_528, length: 16, more: false, bytes: Buffer.alloc(16) })]);
    assert.deepEqual(kinds(pod.anomalies), [FragmentAnomaly.MALFORMED]);
    assert.equal(pod.defrag.pending, 0);

    const ends = harness();
    ends.feed([fragment(d, { offset: 1480, length: 528, more: false }), fragment(d, { offset: 1000, length: 80, more: false, bytes: Buffer.alloc(80) })]);
    assert.ok(kinds(ends.anomalies).includes(FragmentAnomaly.MALFORMED));
    assert.equal(ends.defrag.dropped, 1);

    const odd = harness();
    odd.feed([fragment(d, { offset: 0, length: 13, more: true, bytes: Buffer.alloc(13) })]);
    assert.ok(kinds(odd.anomalies).includes(FragmentAnomaly.MALFORMED), 'a middle fragment not a multiple of 8');
  });

  test('a datagram never completed times out as INCOMPLETE, named after its source', () => {
    const d = bigUdp('198.51.100.7', '10.0.0.2', 3000);
    const h = harness({ timeoutSeconds: 30 });
    h.feed([fragment(d, { offset: 0, length: 1480 })]);
    assert.equal(h.defrag.pending, 1);
    h.defrag.expire(T0 + 29e6);
    assert.equal(h.defrag.pending, 1, 'not yet');
    h.defrag.expire(T0 + 31e6);
    assert.equal(h.defrag.pending, 0);
    assert.equal(h.defrag.timedOut, 1);
    assert.deepEqual(h.anomalies.map((a) => [a.kind, a.src, a.dst, a.proto]), [[FragmentAnomaly.INCOMPLETE, '198.51.100.7', '10.0.0.2', IpProto.UDP]]);
  });

  test('a fragment cut by the snapshot length is not kept (its bytes are not all there)', () => {
    const d = bigUdp('192.0.2.53', '10.0.0.2', 3000);
    const defrag = new Defragmenter();
    const f = fragment(d, { offset: 0, length: 1480 });
    assert.equal(defrag.add(decodeRaw(f, T0, 96)), false);
    assert.equal(defrag.truncated, 1);
    assert.equal(defrag.pending, 0);
  });

  test('a flood of never-completed fragments from spoofed sources stays within the budget, and a real datagram still completes', () => {
    const opts = { maxDatagrams: 256, maxBytes: 256 * 1024 };
    const h = harness(opts);
    const pkt = new Packet();
    const junk = Buffer.alloc(1480, 0x41);
    let ts = T0;
    let completed = 0;
    for (let i = 0; i < 100_000; i++) {
      const src = `100.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      const d = ipv4({ src, dst: '10.0.0.2', proto: IpProto.UDP }, Buffer.concat([udp({ srcPort: 1, dstPort: 2 }), junk]));
      // first fragments only: the rest never comes
      decodeRaw(fragment(d, { offset: 0, length: 1480 }, i & 0xffff), (ts += 5), undefined, pkt);
      h.defrag.add(pkt);
      assert.ok(h.defrag.pending <= opts.maxDatagrams);
      assert.ok(h.defrag.bytesHeld <= opts.maxBytes);
      if (i % 10_000 === 5000) {
        const real = bigUdp('192.0.2.53', '10.0.0.2', 3000);
        completed += h.feed(cut(real, 1480).map((p) => fragment(real, p, (4242 + i) & 0xffff)), (ts += 5), 1).length;
      }
    }
    assert.equal(completed, 10, 'every real datagram reassembled during the flood');
    assert.ok(h.defrag.evicted > 90_000, `evictions counted (${h.defrag.evicted})`);
    assert.ok(h.defrag.peakBlocks * 256 <= opts.maxBytes);
    assert.ok(h.defrag.footprint < 2 * opts.maxBytes + 300_000, `fixed footprint ${h.defrag.footprint}`);
    assert.ok(h.anomalies.filter((a) => a.kind === FragmentAnomaly.INCOMPLETE).length > 90_000);
  });

  test("one source's share: its flood of incomplete datagrams evicts its own, not another source's", () => {
    const h = harness({ maxDatagrams: 64, maxBytes: 64 * 1024, sourceShare: 1 / 8 });
    const pkt = new Packet();
    const other = bigUdp('192.0.2.53', '10.0.0.2', 3000);
    const pieces = cut(other, 1480);
    decodeRaw(fragment(other, pieces[0]!), T0, undefined, pkt);
    h.defrag.add(pkt);
    const flood = bigUdp('203.0.113.66', '10.0.0.2', 3000);
    for (let i = 0; i < 5000; i++) {
      decodeRaw(fragment(flood, { offset: 0, length: 1480 }, i), T0 + 10 + i, undefined, pkt);
      h.defrag.add(pkt);
    }
    assert.ok(h.defrag.evictedBySource > 4000);
    const done = h.feed(pieces.slice(1).map((p) => fragment(other, p)), T0 + 10_000);
    assert.equal(done.length, 1, "the other source's datagram survived and completed");
  });
});
