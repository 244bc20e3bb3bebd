import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalAddress, canonicalCidr, networkOf } from '../../../src/net/canonical.js';
import { entryKey, hostOrCidr, splitCidr, timeoutOf, type BlockSpec } from '../../../src/platform/firewall/firewall.js';

const spec = (cidr: string, family: 4 | 6, timeoutSeconds: number, port: BlockSpec['port'] = null): BlockSpec => ({ cidr, family, port, timeoutSeconds });

describe('firewall helpers', () => {
  test('entryKey: the same network and port are one entry whatever the timeout', () => {
    assert.equal(entryKey(spec('10.0.0.1/32', 4, 5)), '10.0.0.1/32');
    assert.equal(entryKey(spec('10.0.0.1/32', 4, 5, { protocol: 'tcp', number: 22 })), '10.0.0.1/32 tcp/22');
    assert.equal(entryKey(spec('2001:db8::/64', 6, 1, { protocol: 'udp', number: 53 })), '2001:db8::/64 udp/53');
    assert.equal(entryKey(spec('10.0.0.1/32', 4, 5)), entryKey(spec('10.0.0.1/32', 4, 999)));
    assert.notEqual(entryKey(spec('10.0.0.1/32', 4, 5, { protocol: 'tcp', number: 22 })), entryKey(spec('10.0.0.1/32', 4, 5, { protocol: 'udp', number: 22 })));
  });

  test('hostOrCidr: a full-length prefix is written as the bare address, anything shorter keeps its prefix', () => {
    assert.equal(hostOrCidr('10.0.0.1/32', 4), '10.0.0.1');
    assert.equal(hostOrCidr('10.0.0.0/24', 4), '10.0.0.0/24');
    assert.equal(hostOrCidr('2001:db8::5/128', 6), '2001:db8::5');
    assert.equal(hostOrCidr('2001:db8:1:2::/64', 6), '2001:db8:1:2::/64');
  });

  test('splitCidr splits at the last slash', () => {
    assert.deepEqual(splitCidr('2001:db8::/64'), { address: '2001:db8::', prefix: 64 });
    assert.deepEqual(splitCidr('10.1.2.3/32'), { address: '10.1.2.3', prefix: 32 });
  });

  test('timeoutOf: whole seconds, rounded up, at least 1', () => {
    assert.equal(timeoutOf(spec('10.0.0.1/32', 4, 300)), 300);
    assert.equal(timeoutOf(spec('10.0.0.1/32', 4, 299.01)), 300);
    assert.equal(timeoutOf(spec('10.0.0.1/32', 4, 0.2)), 1);
    assert.equal(timeoutOf(spec('10.0.0.1/32', 4, 0)), 1);
    assert.equal(timeoutOf(spec('10.0.0.1/32', 4, -50)), 1);
  });
});

describe('canonical addresses (net/canonical)', () => {
  test('every spelling of one address has one text form', () => {
    for (const [input, text, family] of [
      ['10.0.0.1', '10.0.0.1', 4],
      ['::ffff:10.0.0.1', '10.0.0.1', 4],
      ['::FFFF:a00:1', '10.0.0.1', 4],
      [' 10.0.0.1 ', '10.0.0.1', 4],
      ['fe80::1%eth0', 'fe80::1', 6],
      ['2001:DB8:0:0:0:0:0:1', '2001:db8::1', 6],
      ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1', 6],
      ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1', 6],
      ['::1', '::1', 6],
      ['::', '::', 6],
    ] as const) {
      const a = canonicalAddress(input);
      assert.ok(a !== null, input);
      assert.equal(a.text, text, input);
      assert.equal(a.family, family, input);
    }
  });

  test('garbage is not an address', () => {
    for (const bad of ['', 'example.com', '10.0.0.256', '10.0.0', '1.2.3.4.5', '2001:db8::1::2', '12345::1', 'gggg::1', '10.0.0.1/24', '1:2:3:4:5:6:7:8:9']) {
      assert.equal(canonicalAddress(bad), null, bad);
    }
  });

  test('canonicalCidr clears host bits and checks the prefix against the family', () => {
    assert.equal(canonicalCidr('10.0.0.77/24'), '10.0.0.0/24');
    assert.equal(canonicalCidr('10.0.0.77'), '10.0.0.77/32');
    assert.equal(canonicalCidr('::ffff:10.0.0.77/32'), '10.0.0.77/32');
    assert.equal(canonicalCidr('2001:DB8:1:2:3:4:5:6/64'), '2001:db8:1:2::/64');
    assert.equal(canonicalCidr('2001:db8::1'), '2001:db8::1/128');
    assert.equal(canonicalCidr('0.0.0.0/0'), '0.0.0.0/0');
    assert.equal(canonicalCidr('255.255.255.255/1'), '128.0.0.0/1');
    assert.equal(canonicalCidr('10.0.0.0/33'), null);
    assert.equal(canonicalCidr('2001:db8::/129'), null);
    assert.equal(canonicalCidr('10.0.0.0/'), null);
    assert.equal(canonicalCidr('10.0.0.0/-1'), null);
    assert.equal(canonicalCidr('10.0.0.0/2x'), null);
    assert.equal(canonicalCidr('10.0.0.0/ 8'), null);
    assert.equal(canonicalCidr('nonsense/8'), null);
  });

  test('networkOf counts the prefix within the address family', () => {
    const v4 = canonicalAddress('192.168.37.201')!;
    assert.equal(networkOf(v4, 32), '192.168.37.201/32');
    assert.equal(networkOf(v4, 20), '192.168.32.0/20');
    assert.equal(networkOf(v4, 0), '0.0.0.0/0');
    const v6 = canonicalAddress('2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff')!;
    assert.equal(networkOf(v6, 64), '2001:db8:aaaa:bbbb::/64');
    assert.equal(networkOf(v6, 48), '2001:db8:aaaa::/48');
    assert.equal(networkOf(v6, 60), '2001:db8:aaaa:bbb0::/60');
    assert.equal(networkOf(v6, 128), '2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff/128');
  });
});
