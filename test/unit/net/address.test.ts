import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatAddress, parseAddress } from '../../../src/net/address.js';
import { CidrSet } from '../../../src/net/cidr-set.js';

describe('addresses', () => {
  const roundTrips: [string, string][] = [
    ['192.0.2.1', '192.0.2.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['2001:db8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['::1', '::1'],
    ['::', '::'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ];
  for (const [input, canonical] of roundTrips) {
    test(`${input} → ${canonical}`, () => {
      const w = parseAddress(input);
      assert.ok(w, input);
      assert.equal(formatAddress(...w), canonical);
    });
  }
  for (const bad of ['', '1.2.3', '256.1.1.1', '1.2.3.4.5', '1::2::3', 'g::1', '1:2:3:4:5:6:7:8:9', 'example.com']) {
    test(`rejects ${JSON.stringify(bad)}`, () => assert.equal(parseAddress(bad), null));
  }
});

describe('CidrSet', () => {
  test('matches structurally: mapped IPv4, uncompressed IPv6, prefixes', () => {
    const set = CidrSet.parse('10.0.0.0/8, 2001:db8::/32,192.0.2.7');
    assert.ok(set.hasText('10.1.2.3'));
    assert.ok(set.hasText('::ffff:10.1.2.3'));
    assert.ok(set.hasText('2001:0db8:0000:0000:0000:0000:0000:0001'));
    assert.ok(set.hasText('192.0.2.7'));
    assert.ok(!set.hasText('192.0.2.8'));
    assert.ok(!set.hasText('11.0.0.1'));
    assert.ok(!set.hasText('2001:db9::1'));
  });
  test('/0 matches its family only', () => {
    const v4 = CidrSet.parse('0.0.0.0/0');
    assert.ok(v4.hasText('8.8.8.8'));
    assert.ok(!v4.hasText('2001:db8::1'));
    assert.ok(CidrSet.parse('::/0').hasText('2001:db8::1'));
  });
  test('bad entries name themselves', () => {
    assert.throws(() => CidrSet.parse('10.0.0.0/33'), /bad prefix length in "10.0.0.0\/33"/);
    assert.throws(() => CidrSet.parse('10.0.0.0/8,nonsense'), /not an IP address or CIDR: "nonsense"/);
  });
});
