import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { CommandError } from '../../../src/platform/exec/run-command.js';
import type { BlockSpec } from '../../../src/platform/firewall/firewall.js';
import { applyScript, createScript, NftablesFirewall, setupScript } from '../../../src/platform/firewall/nftables-firewall.js';
import { fakeRunner } from './fake-runner.js';

const NFT = '/usr/sbin/nft';
const host4: BlockSpec = { cidr: '203.0.113.7/32', family: 4, port: null, timeoutSeconds: 300 };
const net6: BlockSpec = { cidr: '2001:db8:1:2::/64', family: 6, port: null, timeoutSeconds: 600 };
const host6: BlockSpec = { cidr: '2001:db8::5/128', family: 6, port: null, timeoutSeconds: 60 };
const port4: BlockSpec = { cidr: '203.0.113.9/32', family: 4, port: { protocol: 'tcp', number: 22 }, timeoutSeconds: 120 };
const port6: BlockSpec = { cidr: '2001:db8:9::/64', family: 6, port: { protocol: 'udp', number: 53 }, timeoutSeconds: 119.2 };

describe('nftables scripts', () => {
  test('setupScript: our own table, timed hash sets for addresses and interval sets for networks and ports, input + forward chains before the filter hook, rules rewritten', () => {
    const chain = (hook: string) => [
      `add chain inet snoopy ${hook} { type filter hook ${hook} priority filter - 10; policy accept; }`,
      `flush chain inet snoopy ${hook}`,
      `add rule inet snoopy ${hook} ip saddr @addr4 counter drop comment "snoopy-tui: blocked sources"`,
      `add rule inet snoopy ${hook} ip6 saddr @addr6 counter drop comment "snoopy-tui: blocked sources"`,
      `add rule inet snoopy ${hook} ip saddr @net4 counter drop comment "snoopy-tui: blocked networks"`,
      `add rule inet snoopy ${hook} ip6 saddr @net6 counter drop comment "snoopy-tui: blocked networks"`,
      `add rule inet snoopy ${hook} ip saddr . meta l4proto . th dport @port4 counter drop comment "snoopy-tui: blocked source and port"`,
      `add rule inet snoopy ${hook} ip6 saddr . meta l4proto . th dport @port6 counter drop comment "snoopy-tui: blocked source and port"`,
    ];
    const expected = [
      'add table inet snoopy',
      'add set inet snoopy addr4 { type ipv4_addr; flags timeout; }',
      'add set inet snoopy addr6 { type ipv6_addr; flags timeout; }',
      'add set inet snoopy net4 { type ipv4_addr; flags interval, timeout; }',
      'add set inet snoopy net6 { type ipv6_addr; flags interval, timeout; }',
      'add set inet snoopy port4 { type ipv4_addr . inet_proto . inet_service; flags interval, timeout; }',
      'add set inet snoopy port6 { type ipv6_addr . inet_proto . inet_service; flags interval, timeout; }',
      ...chain('input'),
      ...chain('forward'),
    ];
    assert.equal(setupScript(), expected.join('\n') + '\n');
    // Never `flush table` / `flush set` / `delete set`: that would drop the blocks in force.
    assert.doesNotMatch(setupScript(), /flush (table|set)|delete /);
  });

  test('applyScript: an IPv4 host is written without prefix, as add + delete + add with the timeout', () => {
    assert.equal(
      applyScript([host4], []),
      ['add element inet snoopy addr4 { 203.0.113.7 }', 'delete element inet snoopy addr4 { 203.0.113.7 }', 'add element inet snoopy addr4 { 203.0.113.7 timeout 300s }'].join('\n') + '\n',
    );
  });

  test('applyScript: an IPv6 /64 keeps its prefix; an IPv6 /128 is a bare address', () => {
    assert.equal(
      applyScript([net6, host6], []),
      [
        'add element inet snoopy net6 { 2001:db8:1:2::/64 }',
        'delete element inet snoopy net6 { 2001:db8:1:2::/64 }',
        'add element inet snoopy net6 { 2001:db8:1:2::/64 timeout 600s }',
        'add element inet snoopy addr6 { 2001:db8::5 }',
        'delete element inet snoopy addr6 { 2001:db8::5 }',
        'add element inet snoopy addr6 { 2001:db8::5 timeout 60s }',
      ].join('\n') + '\n',
    );
  });

  test('applyScript: port blocks go to the concatenated sets; fractional timeouts round up', () => {
    assert.equal(
      applyScript([port4, port6], []),
      [
        'add element inet snoopy port4 { 203.0.113.9 . tcp . 22 }',
        'delete element inet snoopy port4 { 203.0.113.9 . tcp . 22 }',
        'add element inet snoopy port4 { 203.0.113.9 . tcp . 22 timeout 120s }',
        'add element inet snoopy port6 { 2001:db8:9::/64 . udp . 53 }',
        'delete element inet snoopy port6 { 2001:db8:9::/64 . udp . 53 }',
        'add element inet snoopy port6 { 2001:db8:9::/64 . udp . 53 timeout 120s }',
      ].join('\n') + '\n',
    );
  });

  test('applyScript: removes come first and are add + delete (an absent entry cannot fail the batch)', () => {
    assert.equal(
      applyScript([host4], [port4, net6]),
      [
        'add element inet snoopy port4 { 203.0.113.9 . tcp . 22 }',
        'delete element inet snoopy port4 { 203.0.113.9 . tcp . 22 }',
        'add element inet snoopy net6 { 2001:db8:1:2::/64 }',
        'delete element inet snoopy net6 { 2001:db8:1:2::/64 }',
        'add element inet snoopy addr4 { 203.0.113.7 }',
        'delete element inet snoopy addr4 { 203.0.113.7 }',
        'add element inet snoopy addr4 { 203.0.113.7 timeout 300s }',
      ].join('\n') + '\n',
    );
  });

  test('applyScript: every add is idempotent (the element is deleted before it is added with its timeout)', () => {
    const lines = applyScript([host4, net6, host6, port4, port6], []).trimEnd().split('\n');
    assert.equal(lines.length, 15);
    for (let i = 0; i < lines.length; i += 3) {
      const m = /^add element inet snoopy (\w+) \{ (.+) \}$/.exec(lines[i]!);
      assert.ok(m, lines[i]);
      assert.equal(lines[i + 1], `delete element inet snoopy ${m[1]} { ${m[2]} }`);
      assert.match(lines[i + 2]!, new RegExp(`^add element inet snoopy ${m[1]} \\{ ${m[2]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} timeout \\d+s \\}$`));
    }
  });
});

describe('NftablesFirewall', () => {
  test('setup and apply feed one `nft -f -` batch each on stdin', async () => {
    const f = fakeRunner();
    const fw = new NftablesFirewall(f.run);
    assert.equal(fw.name, 'nftables');
    assert.equal(fw.kernelTimeouts, true);
    await fw.setup();
    await fw.apply([host4, port6], [net6]);
    assert.equal(f.calls.length, 2);
    assert.deepEqual(f.calls[0]!.argv, [NFT, '-f', '-']);
    assert.equal(f.calls[0]!.input, setupScript());
    assert.deepEqual(f.calls[1]!.argv, [NFT, '-f', '-']);
    assert.equal(f.calls[1]!.input, applyScript([host4, port6], [net6]));
    assert.ok(f.calls.every((c) => c.options.warm === true), 'the next batch is started ahead');
  });

  test('new entries alone go in as one `create element` batch: no delete in the common case', async () => {
    const f = fakeRunner();
    await new NftablesFirewall(f.run).apply([host4, port4], []);
    assert.equal(f.calls.length, 1);
    assert.equal(f.calls[0]!.input, createScript([host4, port4]));
    assert.equal(f.calls[0]!.input, 'create element inet snoopy addr4 { 203.0.113.7 timeout 300s }\ncreate element inet snoopy port4 { 203.0.113.9 . tcp . 22 timeout 120s }\n');
  });

  test('an entry that exists already (nft refuses the create batch): the add + delete + add batch sets its new timeout', async () => {
    const f = fakeRunner((_argv, o) => (o.input?.startsWith('create') === true ? { exitCode: 1, stderr: 'Error: Could not process rule: File exists' } : undefined));
    await new NftablesFirewall(f.run).apply([host4, port4], []);
    assert.deepEqual(f.calls.map((c) => c.input), [createScript([host4, port4]), applyScript([host4, port4], [])]);
  });

  test('a create batch that did not run (timeout, nft missing) is not tried again the long way', async () => {
    const f = fakeRunner((argv) => new CommandError(argv, 'timeout', null, '', 'timed out after 30000 ms'));
    await assert.rejects(new NftablesFirewall(f.run).apply([host4], []), (e: unknown) => e instanceof CommandError && e.kind === 'timeout');
    assert.equal(f.calls.length, 1);
  });

  test('an empty apply runs nothing', async () => {
    const f = fakeRunner();
    await new NftablesFirewall(f.run).apply([], []);
    assert.equal(f.calls.length, 0);
  });

  test('a failing batch rejects (nothing is swallowed)', async () => {
    const f = fakeRunner(() => ({ exitCode: 1, stderr: 'Error: Could not process rule: No such file or directory' }));
    await assert.rejects(new NftablesFirewall(f.run).apply([host4], []), (e: unknown) => e instanceof CommandError && e.exitCode === 1);
  });

  test('flush deletes the whole table, made idempotent by an add first', async () => {
    const f = fakeRunner();
    await new NftablesFirewall(f.run).flush();
    assert.deepEqual(f.calls[0]!.argv, [NFT, '-f', '-']);
    assert.equal(f.calls[0]!.input, 'add table inet snoopy\ndelete table inet snoopy\n');
  });

  test('list reads `nft -j list table inet snoopy` and parses the sets', async () => {
    const json = readFileSync(new URL('./fixtures/nft-list-table-inet-snoopy.json', import.meta.url), 'utf8');
    const f = fakeRunner(() => ({ stdout: json }));
    const entries = await new NftablesFirewall(f.run).list();
    assert.deepEqual(f.calls[0]!.argv, [NFT, '-j', 'list', 'table', 'inet', 'snoopy']);
    assert.equal(f.calls[0]!.options.allowFailure, true);
    assert.equal(entries.length, 7);
  });

  test('list: a missing table (nft exits 1) means no entries, not an error', async () => {
    const f = fakeRunner(() => ({ exitCode: 1, stderr: 'Error: No such file or directory; did you mean table ‘filter’ in family ip?' }));
    assert.deepEqual(await new NftablesFirewall(f.run).list(), []);
  });

  test('a custom nft path is used for every command', async () => {
    const f = fakeRunner();
    const fw = new NftablesFirewall(f.run, '/opt/nft/bin/nft');
    await fw.setup();
    await fw.apply([host4], []);
    await fw.list();
    await fw.flush();
    assert.ok(f.calls.every((c) => c.argv[0] === '/opt/nft/bin/nft'));
  });
});
