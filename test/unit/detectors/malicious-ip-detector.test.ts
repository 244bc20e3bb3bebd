import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { TcpFlag, type Packet } from '../../../src/engine/decode/packet.js';
import { BlocklistBuilder, type AddressBlocklist } from '../../../src/engine/detectors/blocklist/address-blocklist.js';
import { loadBlocklist, parseBlocklist } from '../../../src/engine/detectors/blocklist/load-blocklist.js';
import { MaliciousIpDetector } from '../../../src/engine/detectors/malicious-ip-detector.js';
import { FlowTable } from '../../../src/engine/flows/flow-table.js';
import { parseAddress } from '../../../src/net/address.js';
import { tcpPacket } from '../../support/packet-factory.js';
import { recordingContext } from '../../support/recording-context.js';

const { SYN, ACK } = TcpFlag;
const T0 = 1.7e15;
const has = (set: AddressBlocklist, text: string) => {
  const w = parseAddress(text);
  assert.ok(w, text);
  return set.has(w[0], w[1], w[2], w[3]);
};

describe('blocklist parsing and membership', () => {
  const text = [
    '\ufeff# comment',
    '',
    '   ',
    '; spamhaus style comment',
    '192.0.2.1',
    '192.0.2.2 # adjacent, merges',
    '198.51.100.0/24 ; SBL123',
    '198.51.100.128/25;inside',
    '203.0.113.7,csv comment',
    '10.1.2.3/16', // host bits masked
    '172.16.0.10-172.16.0.20\tnote',
    '2001:db8::/32',
    '2001:db9::1',
    '::ffff:100.64.0.0/112',
    'not-an-ip',
    '300.1.2.3',
    '1.2.3.4/33',
    '1.2.3',
    '2001:db8::zz',
    '5.6.7.8-5.6.7.1',
  ].join('\r\n');
  const r = parseBlocklist(text, 'test.txt');

  test('entries, skipped lines and samples', () => {
    assert.equal(r.entries, 10);
    assert.equal(r.skipped, 6);
    assert.equal(r.skippedSamples.length, 5);
    assert.deepEqual(r.skippedSamples[0], { line: 15, text: 'not-an-ip' });
    assert.equal(r.set.name, 'test.txt');
  });

  test('import formats: FireHOL netset, Spamhaus DROP (text and JSON lines), CSV first column', () => {
    const netset = parseBlocklist(['#', '# firehol_level1', '# Maintainer      : FireHOL', '#', '0.0.0.0/8', '1.10.16.0/20', '223.254.0.0/16'].join('\n'), 'firehol_level1.netset');
    assert.deepEqual([netset.entries, netset.skipped], [3, 0]);
    assert.ok(has(netset.set, '1.10.20.1') && has(netset.set, '223.254.9.9') && !has(netset.set, '1.10.32.0'));
    const dropTxt = parseBlocklist(['; Spamhaus DROP List 2024/05/01 - (c) 2024 The Spamhaus Project', '; Last-Modified: Wed, 01 May 2024 10:01:20 GMT', '1.10.16.0/20 ; SBL256894', '2.56.192.0/22 ; SBL459831'].join('\n'), 'drop.txt');
    assert.deepEqual([dropTxt.entries, dropTxt.skipped], [2, 0]);
    assert.ok(has(dropTxt.set, '2.56.195.255'));
    const dropJson = parseBlocklist(
      [
        '{"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}',
        '{ "cidr" : "2001:db8:100::/40", "sblid": "SBL1", "rir": "ripencc" }',
        '{"sblid":"SBL9","cidr":"5.134.128.0/19","rir":"ripencc"}',
        '{"cidr":"not-a-cidr","sblid":"SBL2"}',
        '{"type":"metadata","timestamp":1714557680,"size":75000,"records":1234,"copyright":"(c) 2024 The Spamhaus Project SLU","terms":"https://www.spamhaus.org/drop/terms/"}',
      ].join('\n'),
      'drop_v4.json',
    );
    assert.deepEqual([dropJson.entries, dropJson.skipped], [3, 1]);
    assert.ok(has(dropJson.set, '1.10.16.1') && has(dropJson.set, '2001:db8:1ff::1') && has(dropJson.set, '5.134.150.1'));
    assert.deepEqual(dropJson.skippedSamples[0], { line: 4, text: 'not-a-cidr","sblid":"SBL2"}' });
    const csv = parseBlocklist(['ip,first_seen,reason', '"198.51.100.7","2024-05-01","scanner"', "'203.0.113.0/24',x", '192.0.2.9,2024-05-02,bruteforce', '"2001:db8::5",y'].join('\r\n'), 'feed.csv');
    assert.deepEqual([csv.entries, csv.skipped], [4, 1], 'the header row is the one skipped line');
    assert.ok(has(csv.set, '198.51.100.7') && has(csv.set, '203.0.113.200') && has(csv.set, '192.0.2.9') && has(csv.set, '2001:db8::5'));
    assert.ok(!has(csv.set, '198.51.100.8'));
  });

  test('ranges merge (adjacent /32s, nested CIDR)', () => {
    // 192.0.2.1-2 | 198.51.100.0/24 | 203.0.113.7 | 10.1/16 | 172.16.0.10-20 | 100.64.0.0/16 (mapped)
    assert.equal(r.set.v4RangeCount, 6);
    assert.equal(r.set.v6RangeCount, 2);
    assert.equal(r.set.v4AddressCount, 2 + 256 + 1 + 65536 + 11 + 65536);
  });

  test('IPv4 edges of ranges', () => {
    const s = r.set;
    for (const [a, want] of [
      ['192.0.2.0', false], ['192.0.2.1', true], ['192.0.2.2', true], ['192.0.2.3', false],
      ['198.51.99.255', false], ['198.51.100.0', true], ['198.51.100.255', true], ['198.51.101.0', false],
      ['10.1.0.0', true], ['10.1.255.255', true], ['10.2.0.0', false], ['10.0.255.255', false],
      ['172.16.0.9', false], ['172.16.0.10', true], ['172.16.0.20', true], ['172.16.0.21', false],
      ['203.0.113.7', true], ['0.0.0.0', false], ['255.255.255.255', false],
    ] as const) assert.equal(has(s, a), want, a);
  });

  test('IPv6 and IPv4-mapped', () => {
    const s = r.set;
    assert.equal(has(s, '2001:db8::'), true);
    assert.equal(has(s, '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'), true);
    assert.equal(has(s, '2001:db9::'), false);
    assert.equal(has(s, '2001:db9::1'), true);
    assert.equal(has(s, '2001:db9::2'), false);
    assert.equal(has(s, '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff'), false);
    assert.equal(has(s, '::ffff:198.51.100.9'), true);
    assert.equal(has(s, '100.64.3.4'), true, 'mapped v6 entry matches v4');
    assert.equal(has(s, '::1'), false);
  });

  test('edges of the address space', () => {
    const s = parseBlocklist('0.0.0.0/1\n255.255.255.255\n8000::/1\n', 'x').set;
    assert.equal(has(s, '0.0.0.0'), true);
    assert.equal(has(s, '127.255.255.255'), true);
    assert.equal(has(s, '128.0.0.0'), false);
    assert.equal(has(s, '255.255.255.255'), true);
    assert.equal(has(s, '7fff::1'), false);
    assert.equal(has(s, '8000::'), true);
    assert.deepEqual([...s.cidrs()], ['0.0.0.0/1', '255.255.255.255/32', '8000::/1']);
  });

  test('export round trip', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-'));
    const out = join(dir, 'out.txt');
    const n = await r.set.export(out);
    const cidrs = readFileSync(out, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    assert.equal(cidrs.length, n);
    assert.ok(cidrs.includes('198.51.100.0/24'));
    assert.ok(cidrs.includes('172.16.0.10/31'));
    assert.ok(cidrs.includes('2001:db8::/32'));
    const back = await loadBlocklist(out);
    assert.equal(back.skipped, 0);
    assert.equal(back.set.v4RangeCount, r.set.v4RangeCount);
    assert.equal(back.set.v6RangeCount, r.set.v6RangeCount);
    assert.deepEqual([...back.set.cidrs()], [...r.set.cidrs()]);
  });

  test('1,000,000 random /32s load (correctness on samples)', async () => {
    let seed = 12345;
    const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
    const values = new Uint32Array(1_000_000);
    const lines: string[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = rnd();
      values[i] = v;
      lines.push(`${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'bl-'));
    const file = join(dir, 'big.txt');
    writeFileSync(file, lines.join('\n'));
    const res = await loadBlocklist(file);
    assert.equal(res.entries, 1_000_000);
    assert.equal(res.skipped, 0);
    const sorted = values.slice().sort();
    const listed = new Set(values);
    for (let i = 0; i < 2000; i++) {
      const v = values[(i * 499) % values.length]!;
      assert.ok(res.set.has(0, 0, 0xffff, v | 0));
      const probe = rnd();
      assert.equal(res.set.hasV4(probe), listed.has(probe));
    }
    assert.equal(res.set.hasV4(sorted[0]!), true);
    assert.equal(res.set.hasV4(sorted[sorted.length - 1]!), true);
  });

  test('builder merges overlapping ranges', () => {
    const b = new BlocklistBuilder();
    b.addV4Range(10, 20);
    b.addV4Range(5, 12);
    b.addV4Range(21, 21);
    b.addV4Range(30, 40);
    b.addV4Range(32, 33);
    const s = b.build('b');
    assert.equal(s.v4RangeCount, 2);
    assert.equal(s.hasV4(4), false);
    assert.equal(s.hasV4(5), true);
    assert.equal(s.hasV4(21), true);
    assert.equal(s.hasV4(22), false);
    assert.equal(s.hasV4(40), true);
    assert.equal(s.hasV4(41), false);
  });
});

describe('MaliciousIpDetector', () => {
  function harness(list: string, homeNet: string | null = '10.0.0.0/8') {
    const { ctx, raised, changed } = recordingContext(homeNet);
    const detector = new MaliciousIpDetector({ blocklist: parseBlocklist(list, 'drop.txt').set }, ctx);
    const flows = new FlowTable(1024);
    const feed = (p: Packet) => detector.onPacket(p, flows, flows.update(p));
    return { detector, feed, raised, changed };
  }

  test('inbound flow from a listed address: one alert, updated with packet counts', () => {
    const h = harness('203.0.113.0/24\n');
    h.feed(tcpPacket('203.0.113.9', '10.0.0.2', { srcPort: 5555, dstPort: 22, flags: SYN }, T0));
    h.feed(tcpPacket('10.0.0.2', '203.0.113.9', { srcPort: 22, dstPort: 5555, flags: SYN | ACK }, T0 + 1e6));
    h.feed(tcpPacket('203.0.113.9', '10.0.0.2', { srcPort: 5555, dstPort: 22, flags: ACK }, T0 + 2e6));
    h.feed(tcpPacket('203.0.113.9', '10.0.0.3', { srcPort: 5556, dstPort: 80, flags: SYN }, T0 + 3e6));
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(a.attack_type, 'MALICIOUS_IP');
    assert.equal(a.attacker_ip, '203.0.113.9');
    assert.equal(a.attack_details.list, 'drop.txt');
    assert.equal(a.attack_details.direction, 'inbound');
    assert.equal(a.packet_count, 4);
    assert.equal(a.target_ip, '10.0.0.3');
    assert.equal(a.duration, 3);
    assert.equal(h.changed.length, 3);
  });

  test('outbound flow to a listed address; unlisted ignored', () => {
    const h = harness('198.51.100.7\n');
    h.feed(tcpPacket('10.0.0.2', '198.51.100.8', { srcPort: 5555, dstPort: 443, flags: SYN }, T0));
    assert.equal(h.raised.length, 0);
    h.feed(tcpPacket('10.0.0.2', '198.51.100.7', { srcPort: 5556, dstPort: 443, flags: SYN }, T0));
    h.feed(tcpPacket('198.51.100.7', '10.0.0.2', { srcPort: 443, dstPort: 5556, flags: SYN | ACK }, T0 + 5));
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attack_details.direction, 'outbound');
    assert.equal(h.raised[0]!.target_port, 5556);
    assert.equal(h.raised[0]!.packet_count, 2);
  });

  test('IPv6 listed address', () => {
    const h = harness('2001:db8::/32\n', 'fd00::/8');
    h.feed(tcpPacket('2001:db8::5', 'fd00::2', { srcPort: 5555, dstPort: 22, flags: SYN }, T0));
    h.feed(tcpPacket('fd00::2', '2001:db8::5', { srcPort: 22, dstPort: 5555, flags: SYN | ACK }, T0 + 5));
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attacker_ip, '2001:db8::5');
    assert.equal(h.raised[0]!.packet_count, 2);
  });
});
