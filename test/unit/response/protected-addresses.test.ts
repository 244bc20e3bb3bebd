import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseIpv6Routes } from '../../../src/platform/self-protection/gateways.js';
import { parseSsEstablished } from '../../../src/platform/self-protection/ssh-peers.js';
import { ProtectedAddresses, type ProtectedSources } from '../../../src/response/protected-addresses.js';

interface Host {
  own: string[];
  gateways: string[];
  resolvers: string[];
  ssh: string[] | Error;
  sshRuns: number;
}

function sources(host: Host): ProtectedSources {
  return {
    ownAddresses: () => host.own,
    gateways: () => host.gateways,
    resolvers: () => host.resolvers,
    sshPeers: async () => {
      host.sshRuns++;
      if (host.ssh instanceof Error) throw host.ssh;
      return host.ssh;
    },
  };
}

function makeHost(partial: Partial<Host> = {}): Host {
  return { own: ['10.0.2.15', 'fe80::1%eth0', '2001:db8:1:2::15'], gateways: ['10.0.2.2'], resolvers: ['10.255.255.53', '2001:db8:53::53'], ssh: [], sshRuns: 0, ...partial };
}

describe('ProtectedAddresses', () => {
  test('loopback, unspecified and multicast are never blocked, in every spelling', () => {
    const p = new ProtectedAddresses(sources(makeHost()), []);
    assert.equal(p.reasonFor('127.0.0.1'), 'loopback');
    assert.equal(p.reasonFor('127.45.6.7'), 'loopback');
    assert.equal(p.reasonFor('::ffff:127.0.0.1'), 'loopback');
    assert.equal(p.reasonFor('::1'), 'loopback');
    assert.equal(p.reasonFor('0:0:0:0:0:0:0:1'), 'loopback');
    assert.equal(p.reasonFor('0.0.0.0'), 'unspecified or multicast');
    assert.equal(p.reasonFor('239.1.2.3'), 'unspecified or multicast');
    assert.equal(p.reasonFor('255.255.255.255'), 'unspecified or multicast');
    assert.equal(p.reasonFor('::'), 'unspecified or multicast');
    assert.equal(p.reasonFor('FF02::1'), 'unspecified or multicast');
  });

  test('own addresses match structurally: ::ffff: form, zone ids, upper-case and uncompressed IPv6', () => {
    const p = new ProtectedAddresses(sources(makeHost()), []);
    assert.equal(p.reasonFor('10.0.2.15'), 'own address');
    assert.equal(p.reasonFor('::ffff:10.0.2.15'), 'own address');
    assert.equal(p.reasonFor('::FFFF:a00:20f'), 'own address');
    assert.equal(p.reasonFor('fe80::1'), 'own address');
    assert.equal(p.reasonFor('fe80::1%wlan0'), 'own address');
    assert.equal(p.reasonFor('FE80:0:0:0:0:0:0:1'), 'own address');
    assert.equal(p.reasonFor('2001:0DB8:0001:0002:0000:0000:0000:0015'), 'own address');
    assert.equal(p.reasonFor('10.0.2.16'), null);
    assert.equal(p.reasonFor('2001:db8:1:2::16'), null);
  });

  test('gateways (also as /proc/net/ipv6_route writes them) and resolvers', () => {
    const host = makeHost({ gateways: ['10.0.2.2', ...parseIpv6Routes('00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe80000000000000021122fffe334455 00000400 00000003 00000000 00000003     eth1')] });
    const p = new ProtectedAddresses(sources(host), []);
    assert.equal(p.reasonFor('10.0.2.2'), 'gateway');
    assert.equal(p.reasonFor('fe80::211:22ff:fe33:4455'), 'gateway');
    assert.equal(p.reasonFor('10.255.255.53'), 'DNS resolver');
    assert.equal(p.reasonFor('2001:db8:53::53'), 'DNS resolver');
  });

  test('--allow addresses and ranges, v4 and v6; a bad --allow is refused at construction', () => {
    const p = new ProtectedAddresses(sources(makeHost()), ['192.0.2.0/24', ' 2001:db8:aaaa::/48 ', '198.51.100.7']);
    assert.equal(p.reasonFor('192.0.2.200'), 'allowlisted (--allow)');
    assert.equal(p.reasonFor('::ffff:192.0.2.1'), 'allowlisted (--allow)');
    assert.equal(p.reasonFor('2001:DB8:AAAA:1::1'), 'allowlisted (--allow)');
    assert.equal(p.reasonFor('198.51.100.7'), 'allowlisted (--allow)');
    assert.equal(p.reasonFor('198.51.100.8'), null);
    assert.throws(() => new ProtectedAddresses(sources(makeHost()), ['example.com']), RangeError);
    assert.throws(() => new ProtectedAddresses(sources(makeHost()), ['10.0.0.0/33']), RangeError);
  });

  test('text that is not an address is protected (never blocked)', () => {
    const p = new ProtectedAddresses(sources(makeHost()), []);
    assert.equal(p.reasonFor('not-an-ip'), 'not an IP address');
    assert.equal(p.reasonFor(''), 'not an IP address');
  });

  test('live SSH peers from ss: a peer listed as ::ffff:a.b.c.d protects a.b.c.d, and the other way round', async () => {
    const ss = '0      0      [::ffff:10.0.2.15]:22   [::ffff:198.51.100.20]:40022 users:(("sshd-session",pid=1201,fd=7))\n0      0      10.0.2.15:22   203.0.113.50:53422 users:(("sshd",pid=812,fd=4))\n';
    const host = makeHost({ ssh: parseSsEstablished(ss) });
    const p = new ProtectedAddresses(sources(host), []);
    // Not read until asked.
    assert.equal(p.reasonFor('198.51.100.20'), null);
    await p.refreshSshPeers();
    assert.equal(p.reasonFor('198.51.100.20'), 'live SSH peer');
    assert.equal(p.reasonFor('::ffff:198.51.100.20'), 'live SSH peer');
    // A forged source given in mapped form is the same address as the plain peer.
    assert.equal(p.reasonFor('::ffff:203.0.113.50'), 'live SSH peer');
    assert.equal(p.reasonFor('0:0:0:0:0:ffff:cb00:7132'), 'live SSH peer');
    assert.equal(p.reasonFor('203.0.113.51'), null);
  });

  test('SSH peers are cached for maxAgeMs, re-read after it, and concurrent refreshes share one ss run', async () => {
    let now = 1_000_000;
    const host = makeHost({ ssh: ['203.0.113.50'] });
    const p = new ProtectedAddresses(sources(host), [], () => now);
    await Promise.all([p.refreshSshPeers(1000), p.refreshSshPeers(1000), p.refreshSshPeers(1000)]);
    assert.equal(host.sshRuns, 1);
    now += 500;
    await p.refreshSshPeers(1000);
    assert.equal(host.sshRuns, 1);
    host.ssh = ['203.0.113.60'];
    now += 600;
    await p.refreshSshPeers(1000);
    assert.equal(host.sshRuns, 2);
    assert.equal(p.reasonFor('203.0.113.60'), 'live SSH peer');
    assert.equal(p.reasonFor('203.0.113.50'), null, 'a session that ended is no longer protected');
  });

  test('a failing ss keeps the last known peers protected', async () => {
    let now = 0;
    const host = makeHost({ ssh: ['203.0.113.50'] });
    const p = new ProtectedAddresses(sources(host), [], () => now);
    await p.refreshSshPeers();
    host.ssh = new Error('ss: not installed');
    now += 10_000;
    await p.refreshSshPeers();
    assert.equal(host.sshRuns, 2);
    assert.equal(p.reasonFor('203.0.113.50'), 'live SSH peer');
  });

  test('refreshHost picks up new own addresses (DHCP, VPN) and forgets old ones', () => {
    const host = makeHost();
    const p = new ProtectedAddresses(sources(host), []);
    assert.equal(p.reasonFor('100.64.0.9'), null);
    host.own = ['100.64.0.9'];
    p.refreshHost();
    assert.equal(p.reasonFor('100.64.0.9'), 'own address');
    assert.equal(p.reasonFor('10.0.2.15'), null);
  });

  test('reasonForNetwork: a /64 that covers an own address, SSH peer or allowed range is refused; others pass', async () => {
    const host = makeHost({ ssh: ['2001:db8:5:5::77'] });
    const p = new ProtectedAddresses(sources(host), ['2001:db8:aaaa::/48']);
    await p.refreshSshPeers();
    assert.equal(p.reasonForNetwork('2001:db8:1:2::/64'), 'own address');
    assert.equal(p.reasonForNetwork('2001:DB8:1:2:FFFF::/64'), 'own address', 'host bits and case do not matter');
    assert.equal(p.reasonForNetwork('2001:db8:5:5::/64'), 'live SSH peer');
    assert.equal(p.reasonForNetwork('2001:db8:aaaa:7::/64'), 'allowlisted (--allow)', 'inside a wider allowed range');
    assert.equal(p.reasonForNetwork('2001:db8:53::/64'), 'DNS resolver');
    assert.equal(p.reasonForNetwork('2001:db8:1:3::/64'), null);
    assert.equal(p.reasonForNetwork('2001:db8:1:2::99/128'), null, 'a /128 next to an own address covers nothing protected');
  });

  test('reasonForNetwork works both ways (block wider or narrower than the protected entry); families never mix', () => {
    const p = new ProtectedAddresses(sources(makeHost({ own: ['10.0.2.15'], resolvers: ['10.255.255.53'] })), ['198.51.100.0/24']);
    assert.equal(p.reasonForNetwork('198.51.100.77/32'), 'allowlisted (--allow)');
    assert.equal(p.reasonForNetwork('10.0.2.0/24'), 'own address');
    assert.equal(p.reasonForNetwork('10.0.3.0/24'), null);
    assert.equal(p.reasonForNetwork('10.0.0.0/8'), 'own address');
    assert.equal(p.reasonForNetwork('2001:db8::/32'), null, 'IPv4 entries never match an IPv6 network');
    assert.equal(p.reasonForNetwork('nonsense'), 'not an IP address');
  });
});
