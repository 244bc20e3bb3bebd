import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Defragmenter } from '../../../src/engine/decode/defragmenter.js';
import { IpProto, Packet, TcpFlag } from '../../../src/engine/decode/packet.js';
import { FragmentAnomalyDetector, type FragmentAnomalyConfig } from '../../../src/engine/detectors/fragment-anomaly-detector.js';
import { ipv4, tcp, udp, MSS_ONLY } from '../../support/frame-builder.js';
import { cut, decodeRaw, fragment } from '../../support/fragments.js';
import { recordingContext } from '../../support/recording-context.js';

const T0 = 1.7e15;

function harness(config: FragmentAnomalyConfig = {}, homeNet: string | null = null) {
  const { ctx, raised, changed } = recordingContext(homeNet);
  const detector = new FragmentAnomalyDetector(config, ctx);
  const defrag = new Defragmenter();
  defrag.listener = detector;
  const pkt = new Packet();
  const feed = (frames: Buffer[], ts: number) => {
    for (const f of frames) {
      decodeRaw(f, ts, f.length, pkt);
      defrag.add(pkt);
    }
  };
  return { detector, defrag, feed, raised, changed };
}

/** One SYN to `port` cut in 8-byte fragments, as nmap -f sends it. */
function tinySyn(src: string, dst: string, port: number): Buffer[] {
  const d = ipv4({ src, dst, proto: IpProto.TCP }, tcp({ srcPort: 40000, dstPort: port, flags: TcpFlag.SYN, options: MSS_ONLY }));
  return cut(d, 8).map((p) => fragment(d, p, port));
}

describe('FragmentAnomalyDetector', () => {
  test('tiny-fragment probes from one source: one alert at the threshold, updated after', () => {
    const h = harness();
    for (let port = 1; port <= 9; port++) h.feed(tinySyn('198.51.100.7', '10.0.0.2', port), T0 + port * 1000);
    assert.equal(h.raised.length, 0, 'below 10 datagrams nothing fires');
    for (let port = 10; port <= 30; port++) h.feed(tinySyn('198.51.100.7', '10.0.0.2', port), T0 + port * 1000);
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.attack_type, 'FRAGMENT_ANOMALY');
    assert.equal(a.attacker_ip, '198.51.100.7');
    assert.equal(a.target_ip, '10.0.0.2');
    assert.equal(a.protocol, 'tcp');
    assert.equal(a.severity, 'medium');
    assert.equal(a.attack_details.tiny_datagrams, 30);
    assert.equal(a.attack_details.overlap_datagrams, 0);
    assert.ok(h.changed.length > 0, 'updated, not repeated');
  });

  test('anomalies spread over more than the window do not add up', () => {
    const h = harness({ datagrams: 10, windowSeconds: 10 });
    for (let port = 1; port <= 40; port++) h.feed(tinySyn('198.51.100.7', '10.0.0.2', port), T0 + port * 2e6);
    assert.equal(h.raised.length, 0);
  });

  test('overlaps that rewrite bytes make the alert high', () => {
    const h = harness({ datagrams: 3 });
    for (let id = 1; id <= 3; id++) {
      const payload = Buffer.alloc(64, 0x41);
      const d = ipv4({ src: '198.51.100.8', dst: '10.0.0.3', proto: IpProto.UDP }, udp({ srcPort: 4000, dstPort: 53, payload }));
      const pieces = cut(d, 40);
      const first = fragment(d, pieces[0]!, id);
      // the same first piece again with different bytes, then the rest
      const altered = Buffer.from(d);
      altered.fill(0x42, 28, 48);
      const again = fragment(altered, pieces[0]!, id);
      h.feed([first, again, ...pieces.slice(1).map((p) => fragment(d, p, id))], T0 + id * 1000);
    }
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.severity, 'high');
    assert.ok((h.raised[0]!.attack_details.overlap_datagrams as number) >= 3);
  });

  test('targets outside the home net are ignored', () => {
    const h = harness({}, '10.0.0.0/24');
    for (let port = 1; port <= 30; port++) h.feed(tinySyn('198.51.100.7', '172.16.0.9', port), T0 + port * 1000);
    assert.equal(h.raised.length, 0);
  });

  test('sources are bounded: spoofed senders evict the oldest, never grow the map', () => {
    const h = harness({ maxSources: 64 });
    for (let i = 0; i < 5000; i++) h.feed(tinySyn(`198.51.${(i >> 8) & 0xff}.${i & 0xff}`, '10.0.0.2', 1 + (i % 1000)), T0 + i * 10);
    assert.ok(h.detector.liveSources <= 64);
    assert.equal(h.raised.length, 0);
    h.detector.onTick(T0 + 120e6);
    assert.equal(h.detector.liveSources, 0, 'idle sources expire');
  });
});
