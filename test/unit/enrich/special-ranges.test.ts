import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseAddress } from '../../../src/net/address.js';
import {
  classifyAddress,
  classifyForLookup,
  classifyWords,
  embeddedV4,
  isSpecialAddress,
} from '../../../src/enrich/geo/special-ranges.js';

const LAN = [
  // RFC 1918, edges included
  '10.0.0.0', '10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.0.0', '192.168.255.255',
  // CGNAT, loopback, link-local
  '100.64.0.1', '100.127.255.255', '127.0.0.1', '127.255.255.254', '169.254.0.1', '169.254.255.255',
  // IPv6 loopback, ULA, link-local (with zone id, upper case, uncompressed), site-local
  '::1', '0:0:0:0:0:0:0:1', '0000:0000:0000:0000:0000:0000:0000:0001', 'fc00::1', 'fd12:3456:789a::1',
  'fe80::1', 'fe80::1%eth0', 'FE80::ABCD', 'fe80:0000:0000:0000:0000:0000:0000:0001', 'febf:ffff::1', 'fec0::1',
  // IPv4-mapped, in every spelling
  '::ffff:10.0.0.1', '::FFFF:10.0.0.1', '::ffff:a00:1', '0:0:0:0:0:ffff:c0a8:0101', '0000:0000:0000:0000:0000:ffff:7f00:0001',
  // IPv4 carried in NAT64 and 6to4
  '64:ff9b::a00:1', '64:ff9b::192.168.1.1', '2002:c0a8:0101::1',
];

const RESERVED = [
  '0.0.0.0', '0.1.2.3', '192.0.0.8', '192.0.2.1', '198.51.100.7', '203.0.113.45', '192.88.99.1',
  '198.18.0.1', '198.19.255.255', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.254', '255.255.255.255',
  '2001:db8::1', '2001:0db8:0000:0000:0000:0000:0000:0001', '2001:DB8:FFFF::', '3fff::1', '3fff:fff:ffff::1',
  '2001:2::1', '2001:10::1', '2001:20::1', '64:ff9b:1::1',
  'ff02::1', 'ff05::1:3', 'ff0e::101', '::', '0:0:0:0:0:0:0:0', '::2', '::0.0.0.2', '100::1', '5f00::1', '4000::1', 'fe00::1', 'e000::1',
  '::ffff:192.0.2.1', '::ffff:255.255.255.255', '::ffff:224.0.0.251', '64:ff9b::c000:0201', '2002:c000:0201::1',
];

const PUBLIC = [
  '8.8.8.8', '1.1.1.1', '9.255.255.255', '11.0.0.0', '172.15.255.255', '172.32.0.0', '192.167.255.255', '192.169.0.0',
  '100.63.255.255', '100.128.0.0', '126.255.255.255', '128.0.0.0', '169.253.255.255', '169.255.0.0', '198.17.255.255',
  '198.20.0.0', '223.255.255.255', '192.0.1.255', '192.0.3.0', '198.51.99.255', '203.0.114.0', '1.0.0.0',
  '2001:4860:4860::8888', '2001:4860:4860:0000:0000:0000:0000:8888', '2606:4700:4700::1111', '2001:db9::1',
  '2001:db7:ffff::1', '3fff:1000::1', '2a00:1450:4001::1', '3ffe::1',
  '::ffff:8.8.8.8', '0:0:0:0:0:ffff:0808:0808', '64:ff9b::808:808', '64:ff9b::8.8.8.8', '2002:808:808::1',
];

describe('special ranges', () => {
  for (const a of LAN) test(`${a} is LAN`, () => assert.equal(classifyAddress(a), 'LAN'));
  for (const a of RESERVED) test(`${a} is RESERVED`, () => assert.equal(classifyAddress(a), 'RESERVED'));
  for (const a of PUBLIC) test(`${a} is PUBLIC`, () => assert.equal(classifyAddress(a), 'PUBLIC'));
  for (const a of ['', 'example.com', '1.2.3', '256.0.0.1', '10.0.0.1/8', '::ffff:10.0.0', 'fe80::1::2']) {
    test(`${JSON.stringify(a)} is INVALID`, () => {
      assert.equal(classifyAddress(a), 'INVALID');
      assert.equal(isSpecialAddress(a), true);
    });
  }

  test('isSpecialAddress is "not PUBLIC"', () => {
    for (const a of [...LAN, ...RESERVED]) assert.equal(isSpecialAddress(a), true, a);
    for (const a of PUBLIC) assert.equal(isSpecialAddress(a), false, a);
  });

  test('classifyWords takes the decoders’ four-word form', () => {
    assert.equal(classifyWords(0, 0, 0xffff, 0x0a000001), 'LAN');
    assert.equal(classifyWords(0, 0, 0xffff, 0x08080808), 'PUBLIC');
    assert.equal(classifyWords(0xfe800000, 0, 0, 1), 'LAN');
    assert.equal(classifyWords(0xff020000, 0, 0, 1), 'RESERVED');
  });

  test('embeddedV4: mapped, NAT64 and 6to4 carry IPv4; others do not', () => {
    const ev4 = (s: string) => embeddedV4(...parseAddress(s)!);
    assert.equal(ev4('::ffff:8.8.4.4'), 0x08080404);
    assert.equal(ev4('8.8.4.4'), 0x08080404);
    assert.equal(ev4('64:ff9b::808:404'), 0x08080404);
    assert.equal(ev4('2002:0808:0404:1::5'), 0x08080404);
    assert.equal(ev4('2001:4860::1'), null);
    assert.equal(ev4('::1'), null);
    assert.equal(ev4('64:ff9b:1::808:404'), null);
  });

  test('classifyForLookup gives the text to look a public address up under', () => {
    assert.deepEqual(classifyForLookup('::ffff:8.8.8.8'), { cls: 'PUBLIC', lookupText: '8.8.8.8' });
    assert.deepEqual(classifyForLookup('64:ff9b::808:808'), { cls: 'PUBLIC', lookupText: '8.8.8.8' });
    assert.deepEqual(classifyForLookup('2002:808:808::1'), { cls: 'PUBLIC', lookupText: '8.8.8.8' });
    assert.deepEqual(classifyForLookup('2001:4860:4860:0:0:0:0:8888'), { cls: 'PUBLIC', lookupText: '2001:4860:4860::8888' });
    assert.deepEqual(classifyForLookup('2a00:1450::1%eth0'), { cls: 'PUBLIC', lookupText: '2a00:1450::1' });
    assert.deepEqual(classifyForLookup('10.1.2.3'), { cls: 'LAN', lookupText: null });
    assert.deepEqual(classifyForLookup('nope'), { cls: 'INVALID', lookupText: null });
  });

  test('property: an IPv4 address classifies the same in every IPv6 spelling that carries it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
        const q = `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
        const hi = (v >>> 16).toString(16);
        const lo = (v & 0xffff).toString(16);
        const cls = classifyAddress(q);
        assert.equal(classifyAddress(`::ffff:${q}`), cls);
        assert.equal(classifyAddress(`0:0:0:0:0:FFFF:${hi}:${lo}`), cls);
        assert.equal(classifyAddress(`64:ff9b::${hi}:${lo}`), cls);
        assert.equal(classifyAddress(`2002:${hi}:${lo}::1`), cls);
      }),
      { numRuns: 2000 },
    );
  });

  test('property: uncompressed and compressed IPv6 classify alike', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.boolean(), (groups, upper) => {
        const full = groups.map((g) => g.toString(16).padStart(4, '0')).join(':');
        const short = groups.map((g) => g.toString(16)).join(':');
        const a = classifyAddress(upper ? full.toUpperCase() : full);
        assert.notEqual(a, 'INVALID');
        assert.equal(classifyAddress(short), a);
        assert.equal(classifyAddress(`${short}%lo`), a);
      }),
      { numRuns: 2000 },
    );
  });
});
