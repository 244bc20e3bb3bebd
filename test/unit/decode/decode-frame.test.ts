import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LinkType } from '../../../src/engine/capture/link-type.js';
import { decodeFrame, DecodeResult } from '../../../src/engine/decode/decode-frame.js';
import { MalformedCounters } from '../../../src/engine/decode/malformed.js';
import { IpProto, Packet, TcpFlag } from '../../../src/engine/decode/packet.js';
import { formatAddress } from '../../../src/net/address.js';
import { bsdNull, ethernet, ext8, icmp, ipv4, ipv6, sll, sll2, tcp, udp, LINUX_SYN_OPTIONS } from '../../support/frame-builder.js';

function decode(frame: Buffer, linkType: number = LinkType.ETHERNET, wireLen = frame.length) {
  const pkt = new Packet();
  const counters = new MalformedCounters();
  const result = decodeFrame(pkt, frame, 0, frame.length, wireLen, 1_700_000_000_000_000, linkType, counters);
  return { pkt, counters, result };
}

const src = (p: Packet) => formatAddress(p.src0, p.src1, p.src2, p.src3);
const dst = (p: Packet) => formatAddress(p.dst0, p.dst1, p.dst2, p.dst3);

const synV4 = ipv4({ src: '203.0.113.5', dst: '198.51.100.7', proto: IpProto.TCP }, tcp({ srcPort: 40000, dstPort: 22, flags: TcpFlag.SYN, options: LINUX_SYN_OPTIONS }));

describe('decodeFrame', () => {
  test('Ethernet IPv4 TCP SYN: addresses, ports, flags, options length', () => {
    const { pkt, result, counters } = decode(ethernet(synV4));
    assert.equal(result, DecodeResult.IP);
    assert.equal(counters.total, 0);
    assert.equal(pkt.ipVersion, 4);
    assert.equal(src(pkt), '203.0.113.5');
    assert.equal(dst(pkt), '198.51.100.7');
    assert.equal(pkt.proto, IpProto.TCP);
    assert.equal(pkt.srcPort, 40000);
    assert.equal(pkt.dstPort, 22);
    assert.equal(pkt.tcpFlags, TcpFlag.SYN);
    assert.equal(pkt.tcpOptionsLen, 20);
    assert.equal(pkt.payloadLen, 0);
    assert.equal(pkt.ttl, 64);
  });

  test('every TCP flag including ECE, CWR and NS is decoded', () => {
    const all = 0x1ff;
    const frame = ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.TCP }, tcp({ srcPort: 1, dstPort: 2, flags: all })));
    const { pkt } = decode(frame);
    assert.equal(pkt.tcpFlags, all);
    assert.ok(pkt.tcpFlags & TcpFlag.ECE && pkt.tcpFlags & TcpFlag.CWR && pkt.tcpFlags & TcpFlag.NS);
  });

  test('Ethernet padding beyond the IP total length is not payload', () => {
    const small = ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.TCP }, tcp({ srcPort: 1, dstPort: 2, flags: TcpFlag.ACK }));
    const padded = Buffer.concat([ethernet(small), Buffer.alloc(6, 0xee)]);
    const { pkt, counters } = decode(padded);
    assert.equal(counters.total, 0);
    assert.equal(pkt.payloadLen, 0);
  });

  test('IPv4 options are skipped to reach TCP', () => {
    const frame = ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.TCP, options: [1, 1, 1, 1, 7, 7, 4, 0] }, tcp({ srcPort: 5, dstPort: 6, flags: TcpFlag.FIN })));
    const { pkt } = decode(frame);
    assert.equal(pkt.ipHeaderLen, 28);
    assert.equal(pkt.srcPort, 5);
    assert.equal(pkt.tcpFlags, TcpFlag.FIN);
  });

  test('IPv4 fragments: fragment fields set, the transport header left to reassembly (even in the first)', () => {
    const payload = Buffer.alloc(16, 0x41);
    const later = decode(ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.UDP, fragOffset: 100 }, payload)));
    assert.equal(later.result, DecodeResult.IP);
    assert.equal(later.pkt.isLaterFragment, true);
    assert.equal(later.pkt.l4Offset, 0);
    assert.equal(later.pkt.srcPort, 0);
    assert.equal(later.pkt.fragOffset, 800);
    assert.equal(later.pkt.fragMore, false);
    assert.equal(later.pkt.fragId, 0x1234);
    assert.equal(later.pkt.fragDataOffset, 14 + 20);
    const tiny = decode(ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.TCP, moreFragments: true }, Buffer.alloc(8))));
    assert.equal(tiny.result, DecodeResult.IP, 'an 8-byte first fragment of TCP is no truncated TCP header');
    assert.equal(tiny.counters.total, 0);
    const first = decode(ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.UDP, moreFragments: true }, udp({ srcPort: 53, dstPort: 9999 }))));
    assert.equal(first.pkt.isFragment, true);
    assert.equal(first.pkt.isLaterFragment, false);
    assert.equal(first.pkt.fragMore, true);
    assert.equal(first.pkt.l4Offset, 0);
  });

  test('an IPv6 atomic fragment (offset 0, no more) is a whole datagram: its transport is decoded', () => {
    const frag = { type: 44, body: Buffer.from([0, 0, 0, 0, 0, 0, 0, 9]) };
    const frame = ethernet(ipv6('2001:db8::1', '2001:db8::2', IpProto.UDP, udp({ srcPort: 53, dstPort: 5353 }), [frag]), 0x86dd);
    const { pkt, result } = decode(frame);
    assert.equal(result, DecodeResult.IP);
    assert.equal(pkt.isFragment, false);
    assert.equal(pkt.dstPort, 5353);
  });

  test('SCTP: ports and the first chunk type', () => {
    const sctp = Buffer.alloc(32);
    sctp.writeUInt16BE(40000, 0);
    sctp.writeUInt16BE(80, 2);
    sctp[12] = 1; // INIT
    const { pkt, result } = decode(ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.SCTP }, sctp)));
    assert.equal(result, DecodeResult.IP);
    assert.equal(pkt.dstPort, 80);
    assert.equal(pkt.sctpChunk, 1);
    const short = decode(ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.SCTP }, Buffer.alloc(6))));
    assert.equal(short.result, DecodeResult.MALFORMED);
    assert.equal(short.counters.toRecord()['sctp_truncated'], 1);
  });

  test('802.1Q and QinQ tags are followed; the innermost id is kept', () => {
    const one = decode(ethernet(synV4, 0x0800, [{ tpid: 0x8100, id: 100 }]));
    assert.equal(one.pkt.vlanDepth, 1);
    assert.equal(one.pkt.vlanId, 100);
    assert.equal(one.pkt.dstPort, 22);
    const two = decode(ethernet(synV4, 0x0800, [{ tpid: 0x88a8, id: 200 }, { tpid: 0x8100, id: 300 }]));
    assert.equal(two.pkt.vlanDepth, 2);
    assert.equal(two.pkt.vlanId, 300);
    assert.equal(src(two.pkt), '203.0.113.5');
  });

  test('more than four VLAN tags is malformed', () => {
    const tags = Array.from({ length: 5 }, (_, i) => ({ tpid: 0x8100, id: i }));
    const { result, counters } = decode(ethernet(synV4, 0x0800, tags));
    assert.equal(result, DecodeResult.MALFORMED);
    assert.equal(counters.toRecord().vlan_too_deep, 1);
  });

  test('Linux cooked v1 and v2, raw IP, BSD null and OpenBSD loop link types', () => {
    for (const [frame, lt] of [
      [sll(synV4), LinkType.LINUX_SLL],
      [sll2(synV4), LinkType.LINUX_SLL2],
      [synV4, LinkType.RAW],
      [synV4, LinkType.IPV4],
      [bsdNull(synV4, 2), LinkType.NULL],
      [bsdNull(synV4, 2, true), LinkType.LOOP],
    ] as const) {
      const { pkt, result } = decode(frame, lt);
      assert.equal(result, DecodeResult.IP, `link type ${lt}`);
      assert.equal(pkt.dstPort, 22, `link type ${lt}`);
    }
    const v6frame = ipv6('2001:db8::1', '2001:db8::2', IpProto.UDP, udp({ srcPort: 1, dstPort: 53 }));
    for (const family of [10, 24, 28, 30]) {
      const { pkt } = decode(bsdNull(v6frame, family), LinkType.NULL);
      assert.equal(pkt.ipVersion, 6, `AF_INET6 = ${family}`);
      assert.equal(pkt.dstPort, 53);
    }
  });

  test('non-IP frames (ARP) are counted apart, not as malformed', () => {
    const { result, counters } = decode(ethernet(Buffer.alloc(28), 0x0806));
    assert.equal(result, DecodeResult.NOT_IP);
    assert.equal(counters.total, 0);
  });

  test('IPv6 with an extension chain reaches TCP; IPv6 addresses format canonically', () => {
    const seg = tcp({ srcPort: 1234, dstPort: 443, flags: TcpFlag.SYN });
    const frame = ethernet(ipv6('2001:db8::1', 'fe80::1:2', IpProto.TCP, seg, [ext8(0), ext8(60), ext8(43)]), 0x86dd);
    const { pkt, result } = decode(frame);
    assert.equal(result, DecodeResult.IP);
    assert.equal(pkt.proto, IpProto.TCP);
    assert.equal(pkt.dstPort, 443);
    assert.equal(src(pkt), '2001:db8::1');
    assert.equal(dst(pkt), 'fe80::1:2');
  });

  test('IPv6 fragment header: later fragments have no transport header', () => {
    const frag = { type: 44, body: Buffer.from([0, 0, 0x01, 0x00, 0, 0, 0, 1]) }; // offset 32
    const frame = ethernet(ipv6('2001:db8::1', '2001:db8::2', IpProto.UDP, Buffer.alloc(16), [frag]), 0x86dd);
    const { pkt, result } = decode(frame);
    assert.equal(result, DecodeResult.IP);
    assert.equal(pkt.isLaterFragment, true);
    assert.equal(pkt.l4Offset, 0);
  });

  test('64 chained IPv6 extension headers are cut off by the hard bound', () => {
    const chain = Array.from({ length: 64 }, () => ext8(60));
    const frame = ethernet(ipv6('2001:db8::1', '2001:db8::2', IpProto.TCP, tcp({ srcPort: 1, dstPort: 2, flags: 2 }), chain), 0x86dd);
    const { result, counters } = decode(frame);
    assert.equal(result, DecodeResult.MALFORMED);
    assert.equal(counters.toRecord().ipv6_ext_chain_too_long, 1);
  });

  test('ICMP and ICMPv6 type and code', () => {
    const a = decode(ethernet(ipv4({ src: '10.0.0.2', dst: '10.0.0.1', proto: IpProto.ICMP }, icmp(3, 3))));
    assert.equal(a.pkt.icmpType, 3);
    assert.equal(a.pkt.icmpCode, 3);
    const b = decode(ethernet(ipv6('2001:db8::1', '2001:db8::2', IpProto.ICMPV6, icmp(128, 0)), 0x86dd));
    assert.equal(b.pkt.icmpType, 128);
  });

  test('UDP length and payload', () => {
    const { pkt } = decode(ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.UDP }, udp({ srcPort: 5353, dstPort: 53, payload: Buffer.from('hello') }))));
    assert.equal(pkt.payloadLen, 5);
    assert.equal(pkt.buf.toString('latin1', pkt.payloadOffset, pkt.payloadOffset + pkt.payloadLen), 'hello');
  });

  describe('malformed headers are counted by reason, never thrown', () => {
    const cases: [string, Buffer, string][] = [];
    for (let ihl = 0; ihl < 5; ihl++) {
      const b = Buffer.from(synV4);
      b[0] = 0x40 | ihl;
      cases.push([`IPv4 IHL ${ihl}`, ethernet(b), 'ipv4_bad_ihl']);
    }
    {
      const b = ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.TCP }, tcp({ srcPort: 1, dstPort: 2, flags: TcpFlag.SYN }));
      b[0] = 0x4f; // 60-byte header in a 40-byte packet
      cases.push(['IPv4 IHL 15 beyond the packet', ethernet(b), 'ipv4_bad_ihl']);
    }
    {
      const b = Buffer.from(synV4);
      b.writeUInt16BE(10, 2);
      cases.push(['IPv4 total length below the header', ethernet(b), 'ipv4_bad_total_length']);
      const c = Buffer.from(synV4);
      c.writeUInt16BE(9000, 2);
      cases.push(['IPv4 total length beyond the frame', ethernet(c), 'ipv4_bad_total_length']);
    }
    for (let off = 0; off < 5; off++) {
      const b = Buffer.from(synV4);
      b[20 + 12] = off << 4;
      cases.push([`TCP data offset ${off}`, ethernet(b), 'tcp_bad_data_offset']);
    }
    {
      const b = Buffer.from(synV4);
      b[20 + 12] = 0xf0;
      cases.push(['TCP data offset 15 beyond the segment', ethernet(b), 'tcp_bad_data_offset']);
    }
    {
      const u = ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.UDP }, udp({ srcPort: 1, dstPort: 2 }));
      u.writeUInt16BE(4, 20 + 4);
      cases.push(['UDP length below 8', ethernet(u), 'udp_bad_length']);
    }
    cases.push(['IP version 5 in an IPv4 EtherType', ethernet(Buffer.concat([Buffer.from([0x50]), synV4.subarray(1)])), 'ip_bad_version']);
    cases.push(['runt Ethernet', Buffer.alloc(10), 'link_truncated']);
    cases.push(['IPv4 header cut short', ethernet(synV4.subarray(0, 12)), 'ipv4_truncated']);
    cases.push(['TCP header cut short', ethernet(synV4.subarray(0, 30)), 'ipv4_bad_total_length']);
    for (const [name, frame, reason] of cases) {
      test(name, () => {
        const { result, counters } = decode(frame);
        assert.equal(result, DecodeResult.MALFORMED);
        assert.equal(counters.total, 1);
        assert.equal(counters.toRecord()[reason], 1, JSON.stringify(counters.toRecord()));
      });
    }
  });

  test('a frame cut by the snapshot length is decoded as far as it goes, not malformed', () => {
    const full = ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.TCP }, tcp({ srcPort: 1, dstPort: 80, flags: TcpFlag.ACK | TcpFlag.PSH, payload: Buffer.alloc(1000, 0x41) })));
    const cut = full.subarray(0, 96);
    const { pkt, result, counters } = decode(cut, LinkType.ETHERNET, full.length);
    assert.equal(result, DecodeResult.IP);
    assert.equal(counters.total, 0);
    assert.equal(pkt.dstPort, 80);
    assert.equal(pkt.payloadLen, 96 - 14 - 40);
  });

  test('reads only the frame: stale bytes after it in the buffer never leak in', () => {
    const frame = ethernet(synV4);
    const buf = Buffer.alloc(frame.length + 200, 0x41);
    frame.copy(buf, 50);
    const short = frame.subarray(0, 14 + 20 + 10); // TCP header cut, no snap cut
    const pkt = new Packet();
    const counters = new MalformedCounters();
    const result = decodeFrame(pkt, buf, 50, short.length, short.length, 0, LinkType.ETHERNET, counters);
    assert.equal(result, DecodeResult.MALFORMED);
    assert.equal(pkt.srcPort, 0);
  });
});
