import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addressCacheSize, ADDRESS_CACHE_LIMIT } from '../../../src/filter/compile.js';
import { compileFilter, type FilterSubject } from '../../../src/filter/index.js';

function subject(over: Partial<FilterSubject> = {}): FilterSubject {
  return {
    proto: 'tcp',
    addresses: ['192.168.1.10', '203.0.113.5'],
    ports: [51000, 443],
    process: 'Google Chrome Helper',
    country: 'US',
    state: 'S1',
    hasAlert: false,
    ...over,
  };
}

function matches(text: string, s: FilterSubject): boolean {
  const r = compileFilter(text);
  if (!r.ok) assert.fail(`${JSON.stringify(text)}: ${r.error}`);
  return r.filter.matches(s);
}

describe('filter matching', () => {
  test('empty filter matches everything and keeps its text', () => {
    const r = compileFilter('  ');
    assert.ok(r.ok);
    assert.equal(r.filter.text, '  ');
    assert.ok(r.filter.matches(subject({ process: null, addresses: [], ports: [] })));
  });

  test('process: case-insensitive substring', () => {
    assert.ok(matches('process chrome', subject()));
    assert.ok(matches('process CHROME', subject()));
    assert.ok(matches('process "Chrome Helper"', subject()));
    assert.ok(!matches('process firefox', subject()));
    assert.ok(!matches('process chrome', subject({ process: null })));
  });

  test('process names with regex characters match literally', () => {
    assert.ok(matches('process "a.b(1)"', subject({ process: 'x a.b(1) y' })));
    assert.ok(!matches('process "a.b"', subject({ process: 'axb' })));
    assert.ok(matches('process "c++"', subject({ process: 'g++ / c++' })));
  });

  test('process: non-ASCII names ignore case too', () => {
    assert.ok(matches('process élan', subject({ process: 'ÉLAN daemon' })));
  });

  test('process unknown: no known process', () => {
    assert.ok(matches('process unknown', subject({ process: null })));
    assert.ok(matches('process unknown', subject({ process: '' })));
    assert.ok(!matches('process unknown', subject()));
    // Quoted, it is a name like any other.
    assert.ok(matches('process "unknown"', subject({ process: 'unknown-daemon' })));
    assert.ok(!matches('process "unknown"', subject({ process: null })));
  });

  test('port: either endpoint, and ranges', () => {
    assert.ok(matches('port 443', subject()));
    assert.ok(matches('port 51000', subject()));
    assert.ok(!matches('port 80', subject()));
    assert.ok(matches('port 400-500', subject()));
    assert.ok(matches('port 443-443', subject()));
    assert.ok(matches('port 50000-60000', subject({ ports: [22, 50000] })));
    assert.ok(matches('port 50000-60000', subject({ ports: [22, 60000] })));
    assert.ok(!matches('port 444-50999', subject()));
    assert.ok(!matches('port 1-65535', subject({ proto: 'icmp', ports: [] })));
  });

  test('ip: either endpoint, exact and CIDR', () => {
    assert.ok(matches('ip 203.0.113.5', subject()));
    assert.ok(matches('ip 192.168.1.10', subject()));
    assert.ok(!matches('ip 203.0.113.6', subject()));
    assert.ok(matches('ip 203.0.113.0/24', subject()));
    assert.ok(matches('ip 192.168.0.0/16', subject()));
    assert.ok(!matches('ip 10.0.0.0/8', subject()));
    assert.ok(matches('ip 0.0.0.0/0', subject()));
  });

  test('ip: IPv4-mapped addresses match their IPv4 form both ways', () => {
    assert.ok(matches('ip 10.0.0.1', subject({ addresses: ['::ffff:10.0.0.1', '::1'] })));
    assert.ok(matches('ip 10.0.0.0/8', subject({ addresses: ['::ffff:10.0.0.1'] })));
    assert.ok(matches('ip ::ffff:10.0.0.1', subject({ addresses: ['10.0.0.1'] })));
    assert.ok(matches('ip ::ffff:a00:1', subject({ addresses: ['10.0.0.1'] })));
  });

  test('ip: uncompressed, upper-case and zone-id IPv6 match the compressed form', () => {
    const s = subject({ addresses: ['2001:db8::1', 'fe80::1%eth0'] });
    assert.ok(matches('ip 2001:0db8:0000:0000:0000:0000:0000:0001', s));
    assert.ok(matches('ip 2001:DB8::1', s));
    assert.ok(matches('ip 2001:db8::/32', s));
    assert.ok(matches('ip fe80::1', s));
    assert.ok(matches('ip fe80::/10', s));
    assert.ok(!matches('ip 2001:db8::2', s));
    assert.ok(matches('ip 2001:db8::1', subject({ addresses: ['2001:0DB8:0:0:0:0:0:1'] })));
  });

  test('ip: an IPv4 CIDR never matches a plain IPv6 address', () => {
    assert.ok(!matches('ip 0.0.0.0/0', subject({ addresses: ['2001:db8::1'] })));
  });

  test('ip: unparsable subject addresses simply do not match', () => {
    assert.ok(!matches('ip 0.0.0.0/0', subject({ addresses: ['not an address', ''] })));
  });

  test('status: categories and raw Zeek states', () => {
    const at = (state: string | null) => subject({ state });
    for (const s of ['S1', 'S2', 'S3']) assert.ok(matches('status established', at(s)), s);
    for (const s of ['S0', 'SF', 'REJ', 'OTH']) assert.ok(!matches('status established', at(s)), s);
    for (const s of ['S0', 'SH']) assert.ok(matches('status syn', at(s)), s);
    for (const s of ['SF', 'REJ', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH', 'SHR']) assert.ok(matches('status closed', at(s)), s);
    assert.ok(!matches('status closed', at('S1')));
    assert.ok(matches('status rejected', at('REJ')));
    assert.ok(!matches('status rejected', at('RSTO')));
    for (const s of ['RSTO', 'RSTR', 'RSTOS0', 'RSTRH']) assert.ok(matches('status reset', at(s)), s);
    assert.ok(matches('status other', at('OTH')));
    assert.ok(matches('status s0', at('S0')));
    assert.ok(matches('status REJ', at('REJ')));
    assert.ok(!matches('status S0', at('SH')));
    // Packets have no state: no status term matches them.
    assert.ok(!matches('status established', at(null)));
    assert.ok(matches('not status established', at(null)));
  });

  test('country: code case-insensitive, LAN and RESERVED', () => {
    assert.ok(matches('country us', subject()));
    assert.ok(matches('country US', subject()));
    assert.ok(matches('country us', subject({ country: 'us' })));
    assert.ok(!matches('country cn', subject()));
    assert.ok(matches('country LAN', subject({ country: 'LAN' })));
    assert.ok(matches('country lan', subject({ country: 'Lan' })));
    assert.ok(matches('country reserved', subject({ country: 'RESERVED' })));
    assert.ok(!matches('country us', subject({ country: null })));
  });

  test('proto and its shorthands', () => {
    assert.ok(matches('proto tcp', subject()));
    assert.ok(matches('tcp', subject()));
    assert.ok(matches('TCP', subject({ proto: 'TCP' })));
    assert.ok(!matches('udp', subject()));
    assert.ok(matches('udp', subject({ proto: 'udp' })));
    assert.ok(matches('icmp', subject({ proto: 'icmp' })));
    assert.ok(!matches('icmp', subject({ proto: 'icmpv6' })));
    assert.ok(matches('proto icmpv6', subject({ proto: 'icmpv6' })));
    assert.ok(!matches('tcp', subject({ proto: 'ip132' })));
  });

  test('alert', () => {
    assert.ok(matches('alert', subject({ hasAlert: true })));
    assert.ok(!matches('alert', subject()));
    assert.ok(matches('not alert', subject()));
  });

  test('combinations follow precedence', () => {
    const s = subject(); // tcp, port 443, US
    assert.ok(matches('port 22 or tcp and country US', s)); // 22 or (tcp and US)
    assert.ok(!matches('(port 22 or tcp) and country CN', s));
    assert.ok(matches('port 22 or tcp and country CN', subject({ ports: [22] })));
    assert.ok(!matches('not (proto udp or port 443)', s));
    assert.ok(matches('not (proto udp or port 53)', s));
    assert.ok(matches('port 443 proto tcp', s)); // implicit and
    assert.ok(!matches('port 443 proto udp', s));
    assert.ok(matches('not tcp or port 443', s)); // (not tcp) or 443
    assert.ok(!matches('not (tcp or port 443)', s));
    assert.ok(matches('port 1 or port 2 or port 443', s));
    assert.ok(!matches('tcp and port 443 and country US and alert', s));
    assert.ok(matches('!!tcp', s));
  });

  test('the address cache stays bounded', () => {
    const r = compileFilter('ip 10.0.0.0/8');
    assert.ok(r.ok);
    for (let i = 0; i < ADDRESS_CACHE_LIMIT + 100; i++) {
      r.filter.matches(subject({ addresses: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`] }));
    }
    assert.ok(addressCacheSize() <= ADDRESS_CACHE_LIMIT);
  });

  test('repeated matching gives the same answer (cache hits agree with misses)', () => {
    const r = compileFilter('ip 2001:db8::/32 or ip 10.0.0.1');
    assert.ok(r.ok);
    const s = subject({ addresses: ['::ffff:10.0.0.1'] });
    for (let i = 0; i < 3; i++) assert.ok(r.filter.matches(s));
  });
});
