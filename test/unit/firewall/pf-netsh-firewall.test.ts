import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chooseFirewall } from '../../../src/platform/firewall/choose-firewall.js';
import type { BlockSpec } from '../../../src/platform/firewall/firewall.js';
import { addRuleArgv, NetshFirewall, ruleName } from '../../../src/platform/firewall/netsh-firewall.js';
import { NoFirewall } from '../../../src/platform/firewall/no-firewall.js';
import { pfAnchorRules, PfFirewall } from '../../../src/platform/firewall/pf-firewall.js';
import { fakeRunner } from './fake-runner.js';

const PFCTL = '/sbin/pfctl';
const NETSH = 'C:\\Windows\\System32\\netsh.exe';
const host4: BlockSpec = { cidr: '203.0.113.7/32', family: 4, port: null, timeoutSeconds: 300 };
const net6: BlockSpec = { cidr: '2001:db8:1:2::/64', family: 6, port: null, timeoutSeconds: 600 };
const port4: BlockSpec = { cidr: '203.0.113.9/32', family: 4, port: { protocol: 'tcp', number: 22 }, timeoutSeconds: 120 };
const port6: BlockSpec = { cidr: '2001:db8::5/128', family: 6, port: { protocol: 'udp', number: 53 }, timeoutSeconds: 120 };

describe('PfFirewall', () => {
  test('setup loads the anchor rules (table + quick block) from stdin', async () => {
    const f = fakeRunner();
    const fw = new PfFirewall(f.run);
    assert.equal(fw.name, 'pfctl');
    assert.equal(fw.kernelTimeouts, false);
    await fw.setup();
    assert.deepEqual(f.lines(), [`${PFCTL} -a snoopy -f -`]);
    assert.equal(f.calls[0]!.input, 'table <snoopy_blocked> persist\nblock drop in quick from <snoopy_blocked> to any\n');
    assert.equal(f.calls[0]!.input, pfAnchorRules());
  });

  test('apply: one delete, one add with every network, then a state kill per added network', async () => {
    const f = fakeRunner();
    await new PfFirewall(f.run).apply([host4, net6], [{ ...host4, cidr: '192.0.2.1/32' }]);
    assert.deepEqual(
      f.calls.map((c) => c.argv),
      [
        [PFCTL, '-a', 'snoopy', '-t', 'snoopy_blocked', '-T', 'delete', '192.0.2.1'],
        [PFCTL, '-a', 'snoopy', '-t', 'snoopy_blocked', '-T', 'add', '203.0.113.7', '2001:db8:1:2::/64'],
        [PFCTL, '-k', '203.0.113.7'],
        [PFCTL, '-k', '2001:db8:1:2::/64'],
      ],
    );
    // Deleting an absent address and killing no states are not errors; adding is.
    assert.deepEqual(
      f.calls.map((c) => c.options.allowFailure === true),
      [true, false, true, true],
    );
  });

  test('apply: port blocks are widened to the address and deduplicated; nothing runs for an empty change', async () => {
    const f = fakeRunner();
    const fw = new PfFirewall(f.run);
    await fw.apply([], []);
    assert.equal(f.calls.length, 0);
    await fw.apply([port4, { ...port4, port: { protocol: 'udp', number: 53 } }, port6], []);
    assert.deepEqual(f.lines(), [`${PFCTL} -a snoopy -t snoopy_blocked -T add 203.0.113.9 2001:db8::5`, `${PFCTL} -k 203.0.113.9`, `${PFCTL} -k 2001:db8::5`]);
  });

  test('a failing add rejects', async () => {
    const f = fakeRunner((argv) => (argv.includes('add') ? { exitCode: 1, stderr: 'pfctl: Table does not exist.' } : undefined));
    await assert.rejects(new PfFirewall(f.run).apply([host4], []));
  });

  test('list parses `pfctl -T show` (indented, v4 and v6, prefixes) and skips junk', async () => {
    const stdout = '   203.0.113.7\n   2001:db8:1:2::/64\n   198.51.100.0/24\n   2001:DB8::5\nNo ALTQ support in kernel\n\n';
    const f = fakeRunner(() => ({ stdout }));
    const entries = await new PfFirewall(f.run).list();
    assert.deepEqual(f.lines(), [`${PFCTL} -a snoopy -t snoopy_blocked -T show`]);
    assert.deepEqual(entries, [
      { cidr: '203.0.113.7/32', family: 4, port: null, remainingSeconds: null },
      { cidr: '2001:db8:1:2::/64', family: 6, port: null, remainingSeconds: null },
      { cidr: '198.51.100.0/24', family: 4, port: null, remainingSeconds: null },
      { cidr: '2001:db8::5/128', family: 6, port: null, remainingSeconds: null },
    ]);
  });

  test('list: no anchor/table yet means no entries', async () => {
    const f = fakeRunner(() => ({ exitCode: 1, stderr: 'pfctl: Table does not exist.' }));
    assert.deepEqual(await new PfFirewall(f.run).list(), []);
  });

  test('flush kills the table and the anchor rules, tolerating their absence', async () => {
    const f = fakeRunner(() => ({ exitCode: 1 }));
    await new PfFirewall(f.run).flush();
    assert.deepEqual(f.lines(), [`${PFCTL} -a snoopy -t snoopy_blocked -T kill`, `${PFCTL} -a snoopy -F rules`]);
  });
});

describe('NetshFirewall', () => {
  test('ruleName carries the entry key (network and port) after our prefix', () => {
    assert.equal(ruleName(host4), 'snoopy-tui block 203.0.113.7/32');
    assert.equal(ruleName(port6), 'snoopy-tui block 2001:db8::5/128 udp/53');
  });

  test('addRuleArgv: inbound block, host without prefix, network with it, port blocks with protocol and localport', () => {
    assert.deepEqual(addRuleArgv(NETSH, host4), [NETSH, 'advfirewall', 'firewall', 'add', 'rule', 'name=snoopy-tui block 203.0.113.7/32', 'dir=in', 'action=block', 'remoteip=203.0.113.7']);
    assert.deepEqual(addRuleArgv(NETSH, net6), [NETSH, 'advfirewall', 'firewall', 'add', 'rule', 'name=snoopy-tui block 2001:db8:1:2::/64', 'dir=in', 'action=block', 'remoteip=2001:db8:1:2::/64']);
    assert.deepEqual(addRuleArgv(NETSH, port4), [NETSH, 'advfirewall', 'firewall', 'add', 'rule', 'name=snoopy-tui block 203.0.113.9/32 tcp/22', 'dir=in', 'action=block', 'remoteip=203.0.113.9', 'protocol=tcp', 'localport=22']);
  });

  test('apply: removes, then for each add a delete of the same name (no duplicate rules) and the add', async () => {
    const f = fakeRunner();
    const fw = new NetshFirewall(f.run);
    assert.equal(fw.name, 'netsh');
    assert.equal(fw.kernelTimeouts, false);
    await fw.setup();
    assert.equal(f.calls.length, 0);
    await fw.apply([host4, port4], [net6]);
    assert.deepEqual(
      f.calls.map((c) => c.argv),
      [
        [NETSH, 'advfirewall', 'firewall', 'delete', 'rule', 'name=snoopy-tui block 2001:db8:1:2::/64'],
        [NETSH, 'advfirewall', 'firewall', 'delete', 'rule', 'name=snoopy-tui block 203.0.113.7/32'],
        addRuleArgv(NETSH, host4),
        [NETSH, 'advfirewall', 'firewall', 'delete', 'rule', 'name=snoopy-tui block 203.0.113.9/32 tcp/22'],
        addRuleArgv(NETSH, port4),
      ],
    );
    // "No rules match the specified criteria." on delete is fine; a failing add is not.
    assert.deepEqual(
      f.calls.map((c) => c.options.allowFailure === true),
      [true, true, false, true, false],
    );
  });

  test('list and flush find our rules (and only ours) in `show rule name=all dir=in` output', async () => {
    const show = [
      '',
      'Rule Name:                            Core Networking - DHCP (DHCP-In)',
      '----------------------------------------------------------------------',
      'Enabled:                              Yes',
      'Direction:                            In',
      '',
      'Rule Name:                            snoopy-tui block 203.0.113.7/32',
      '----------------------------------------------------------------------',
      'Enabled:                              Yes',
      'RemoteIP:                             203.0.113.7/32',
      'Action:                               Block',
      '',
      'Rule Name:                            snoopy-tui block 2001:db8::5/128 udp/53',
      '----------------------------------------------------------------------',
      'Rule Name:                            snoopy-tui block not-an-address',
      'Rule Name:                            my snoopy-tui block 10.0.0.1/32',
      'Ok.',
      '',
    ].join('\r\n');
    const f = fakeRunner((argv) => (argv[3] === 'show' ? { stdout: show } : undefined));
    const fw = new NetshFirewall(f.run);
    assert.deepEqual(await fw.list(), [
      { cidr: '203.0.113.7/32', family: 4, port: null, remainingSeconds: null },
      { cidr: '2001:db8::5/128', family: 6, port: { protocol: 'udp', number: 53 }, remainingSeconds: null },
    ]);
    assert.deepEqual(f.calls[0]!.argv, [NETSH, 'advfirewall', 'firewall', 'show', 'rule', 'name=all', 'dir=in']);
    f.calls.length = 0;
    await fw.flush();
    assert.deepEqual(f.lines().slice(1), [`${NETSH} advfirewall firewall delete rule name=snoopy-tui block 203.0.113.7/32`, `${NETSH} advfirewall firewall delete rule name=snoopy-tui block 2001:db8::5/128 udp/53`]);
  });

  test('list: netsh failing means no entries', async () => {
    const f = fakeRunner(() => ({ exitCode: 1, stdout: 'No rules match the specified criteria.' }));
    assert.deepEqual(await new NetshFirewall(f.run).list(), []);
  });
});

describe('NoFirewall and chooseFirewall', () => {
  test('NoFirewall changes nothing and lists nothing', async () => {
    const fw = new NoFirewall();
    assert.equal(fw.name, 'none');
    assert.equal(fw.kernelTimeouts, false);
    await fw.setup();
    await fw.apply([host4], [net6]);
    await fw.flush();
    assert.deepEqual(await fw.list(), []);
  });

  test('an explicit choice gives that backend without probing', async () => {
    const f = fakeRunner();
    for (const name of ['nftables', 'iptables', 'pfctl', 'netsh', 'none'] as const) {
      const chosen = await chooseFirewall(name, f.run, 'linux');
      assert.equal(chosen.firewall.name, name);
      assert.equal(chosen.note, null);
    }
    assert.equal(f.calls.length, 0);
  });

  test('iptables variants: system, nft and legacy binaries', async () => {
    for (const [variant, tool] of [
      ['system', '/usr/sbin/iptables'],
      ['nft', '/usr/sbin/iptables-nft'],
      ['legacy', '/usr/sbin/iptables-legacy'],
    ] as const) {
      const f = fakeRunner();
      const chosen = await chooseFirewall('iptables', f.run, 'linux', variant);
      await chosen.firewall.flush();
      assert.equal(f.calls[0]!.argv[0], tool, variant);
      assert.ok(f.calls.some((c) => c.argv[0] === tool.replace('iptables', 'ip6tables')), variant);
    }
  });

  test('auto: netsh on Windows, pf on macOS and the BSDs, with a note', async () => {
    const f = fakeRunner();
    assert.equal((await chooseFirewall('auto', f.run, 'win32')).firewall.name, 'netsh');
    for (const p of ['darwin', 'freebsd', 'openbsd'] as const) {
      const chosen = await chooseFirewall('auto', f.run, p);
      assert.equal(chosen.firewall.name, 'pfctl');
      assert.ok(chosen.note);
    }
    assert.equal(f.calls.length, 0);
  });

  test('auto on Linux never picks nftables when `nft list tables` fails', async () => {
    const f = fakeRunner((argv) => (argv[0] === '/usr/sbin/nft' ? { exitCode: 1, stderr: 'Operation not permitted' } : undefined));
    const chosen = await chooseFirewall('auto', f.run, 'linux');
    assert.notEqual(chosen.firewall.name, 'nftables');
    assert.ok(chosen.note);
    for (const c of f.calls) assert.deepEqual(c.argv, ['/usr/sbin/nft', 'list', 'tables']);
  });
});
