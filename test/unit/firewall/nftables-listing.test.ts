import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseNftSetListing } from '../../../src/platform/firewall/nftables-listing.js';

/**
 * Recorded with nftables 1.0.6 in a throwaway network namespace (`unshare --net`): setupScript(),
 * then applyScript() with a v4 host, a v4 /24, a v6 /64, port blocks (v4 host, v6 host, v6 /64)
 * applied twice, plus `add element inet snoopy addr4 { 192.0.2.1 }` (no timeout), then
 * `nft -j list table inet snoopy`. It holds chains and rules as well as the sets.
 */
const RECORDED = readFileSync(new URL('./fixtures/nft-list-table-inet-snoopy.json', import.meta.url), 'utf8');

const doc = (...sets: unknown[]) => JSON.stringify({ nftables: [{ metainfo: { version: '1.0.6', json_schema_version: 1 } }, { table: { family: 'inet', name: 'snoopy', handle: 1 } }, ...sets.map((s) => ({ set: s }))] });

describe('parseNftSetListing', () => {
  test('recorded listing: hosts, prefixes, concat elements with ports, and an element without timeout', () => {
    assert.deepEqual(parseNftSetListing(RECORDED), [
      { cidr: '192.0.2.1/32', family: 4, port: null, remainingSeconds: null },
      { cidr: '198.51.100.0/24', family: 4, port: null, remainingSeconds: 899 },
      { cidr: '203.0.113.7/32', family: 4, port: null, remainingSeconds: 299 },
      { cidr: '2001:db8:1:2::/64', family: 6, port: null, remainingSeconds: 599 },
      { cidr: '203.0.113.9/32', family: 4, port: { protocol: 'tcp', number: 22 }, remainingSeconds: 119 },
      { cidr: '2001:db8::5/128', family: 6, port: { protocol: 'udp', number: 53 }, remainingSeconds: 119 },
      { cidr: '2001:db8:9::/64', family: 6, port: { protocol: 'tcp', number: 443 }, remainingSeconds: 119 },
    ]);
  });

  test('`expires` wins over `timeout`; `timeout` alone is used when the kernel gives no expiry', () => {
    const entries = parseNftSetListing(doc({ name: 'addr4', elem: [{ elem: { val: '10.0.0.1', timeout: 300, expires: 12 } }, { elem: { val: '10.0.0.2', timeout: 300 } }] }));
    assert.deepEqual(
      entries.map((e) => [e.cidr, e.remainingSeconds]),
      [
        ['10.0.0.1/32', 12],
        ['10.0.0.2/32', 300],
      ],
    );
  });

  test('addresses are canonicalised (upper case, uncompressed IPv6, host bits of a prefix)', () => {
    const entries = parseNftSetListing(
      doc(
        { name: 'addr6', elem: ['2001:DB8:0:0:0:0:0:1', { elem: { val: { prefix: { addr: '2001:db8:1:2:ffff::', len: 64 } }, timeout: 5 } }] },
        { name: 'port6', elem: [{ concat: ['2001:0DB8::0001', 'tcp', 80] }] },
      ),
    );
    assert.deepEqual(
      entries.map((e) => e.cidr),
      ['2001:db8::1/128', '2001:db8:1:2::/64', '2001:db8::1/128'],
    );
    assert.deepEqual(entries[2]!.port, { protocol: 'tcp', number: 80 });
    assert.equal(entries[2]!.remainingSeconds, null);
  });

  test('sets that are not ours, ranges, other protocols and malformed elements are skipped', () => {
    const entries = parseNftSetListing(
      doc(
        { name: 'blocklist', elem: ['10.9.9.9'] },
        { name: 'addr4', elem: [{ range: ['10.0.0.1', '10.0.0.5'] }, { elem: { val: { range: ['10.0.1.1', '10.0.1.9'] }, timeout: 5 } }, 'not-an-ip', 42, null, { elem: {} }, '10.0.0.300', '10.0.0.7'] },
        { name: 'port4', elem: [{ concat: ['10.0.0.8', 'sctp', 22] }, { concat: ['10.0.0.8', 'tcp', 'ssh'] }, { concat: ['10.0.0.8', 'tcp'] }, '10.0.0.8', { concat: ['10.0.0.8', 'udp', 514] }] },
        { name: 'addr6', elem: 'not-an-array' },
        { name: 'port6' },
      ),
    );
    assert.deepEqual(entries, [
      { cidr: '10.0.0.7/32', family: 4, port: null, remainingSeconds: null },
      { cidr: '10.0.0.8/32', family: 4, port: { protocol: 'udp', number: 514 }, remainingSeconds: null },
    ]);
  });

  test('an address of the wrong family in a set does not crash (it is parsed by its own family)', () => {
    assert.doesNotThrow(() => parseNftSetListing(doc({ name: 'addr4', elem: ['2001:db8::1'] }, { name: 'addr6', elem: ['10.0.0.1'] })));
  });

  test('garbage gives no entries and no exception', () => {
    for (const text of ['', 'not json', '{', '42', '"x"', '[]', '{}', '{"nftables": {}}', '{"nftables": [1, "x", {"set": {"name": "addr4"}}]}', '{"nftables": [{"set": {"name": "port4", "elem": [null, {"concat": null}]}}]}']) {
      assert.deepEqual(parseNftSetListing(text), [], text);
    }
  });

  test(
    'JSON null where an object is expected gives no entries, not a TypeError',
    {
      // (was a todo: the bug it showed is fixed)
    },
    () => {
      for (const text of ['null', '{"nftables": [null]}', '{"nftables": [{"set": null}]}', '{"nftables": [{"set": {"name": "addr4", "elem": [{"elem": null}, "10.0.0.1"]}}]}']) {
        let out: unknown;
        assert.doesNotThrow(() => {
          out = parseNftSetListing(text);
        }, text);
        assert.ok(Array.isArray(out), text);
      }
    },
  );
});
