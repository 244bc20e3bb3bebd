import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileFilter } from '../../../src/filter/index.js';
import { PacketFeed } from '../../../src/engine/feed/packet-feed.js';
import { OwnSessions, parseSshConnection } from '../../../src/engine/feed/own-session.js';
import { findTerminalSessions } from '../../../src/engine/feed/find-terminal-session.js';
import type { FeedLookups } from '../../../src/engine/feed/packet-subject.js';
import type { ProcFs } from '../../../src/platform/process-owners/proc-fs.js';
import { tcpPacket } from '../../support/packet-factory.js';

const ACK = 0x10;
const SYN = 0x02;
const filter = (text: string) => {
  const f = compileFilter(text);
  assert.ok(f.ok, text);
  return f.filter;
};
const ssh = { local: '10.0.0.2', localPort: 22, peer: '10.0.0.9', peerPort: 50123 };

function lookups(over: Partial<FeedLookups> = {}): FeedLookups {
  return { processOf: () => null, processPending: () => false, countryOf: () => null, alerted: () => false, ...over };
}

describe('packet feed', () => {
  test('the UI\'s own SSH session stays out of what is shown (both directions), counted apart; shown again on request', () => {
    const feed = new PacketFeed(64);
    feed.own.set([ssh]);
    feed.record(tcpPacket('10.0.0.2', '10.0.0.9', { srcPort: 22, dstPort: 50123, flags: ACK }, 1), 1);
    feed.record(tcpPacket('10.0.0.9', '10.0.0.2', { srcPort: 50123, dstPort: 22, flags: ACK }, 2), 1);
    // Same peer, another connection (a second ssh, a scan): shown.
    feed.record(tcpPacket('10.0.0.9', '10.0.0.2', { srcPort: 50124, dstPort: 22, flags: SYN }, 3), 2);
    assert.equal(feed.written, 1);
    assert.equal(feed.ownPackets, 2);
    assert.ok(feed.ownBytes > 0);
    assert.equal(feed.recent.written, 3, 'recent keeps everything (the detail view reads it)');
    feed.configure(null, false);
    assert.equal(feed.written, 3, 'shown again, rebuilt from the recent packets');
    assert.equal(feed.generation, 1);
  });

  test('the filter runs on every packet: matches are kept however many others come between snapshots', () => {
    const feed = new PacketFeed(64);
    feed.configure(filter('port 8080'), true);
    for (let i = 0; i < 10_000; i++) feed.record(tcpPacket('10.0.0.9', '10.0.0.2', { srcPort: 40000 + (i % 1000), dstPort: i % 2500 === 0 ? 8080 : 443, flags: SYN }, i), i + 1);
    const shown = feed.shown.since(0, 100);
    assert.equal(shown.length, 4);
    assert.ok(shown.every((p) => p.dstPort === 8080));
  });

  test('a process filter waits for a flow whose owner is being looked up, then decides', () => {
    let pending = true;
    let name: string | null = null;
    const feed = new PacketFeed(64);
    feed.lookups = lookups({ processOf: () => name, processPending: () => pending });
    feed.configure(filter('process python3'), true);
    feed.record(tcpPacket('10.0.0.9', '10.0.0.2', { srcPort: 40000, dstPort: 8000, flags: SYN }, 1), 7);
    assert.equal(feed.written, 0);
    feed.settle();
    assert.equal(feed.written, 0, 'still waiting');
    pending = false;
    name = 'python3';
    feed.settle();
    assert.equal(feed.written, 1);
    assert.equal(feed.shown.since(0, 10)[0]!.dstPort, 8000);
  });

  test('recentFor lists an address\'s packets, newest last', () => {
    const feed = new PacketFeed(8);
    for (let i = 0; i < 20; i++) feed.record(tcpPacket(i % 2 ? '10.0.0.9' : '10.0.0.8', '10.0.0.2', { srcPort: 1000 + i, dstPort: 80, flags: SYN }, i), i);
    const list = feed.recentFor('10.0.0.9', 3);
    assert.deepEqual(list.map((p) => p.srcPort), [1015, 1017, 1019]);
  });
});

describe('own session', () => {
  test('SSH_CONNECTION is client, client port, server, server port; anything else is null', () => {
    assert.deepEqual(parseSshConnection('10.0.0.9 50123 10.0.0.2 22'), ssh);
    for (const bad of [undefined, null, '', '10.0.0.9 50123 10.0.0.2', 'x 1 10.0.0.2 22', '10.0.0.9 0 10.0.0.2 22']) assert.equal(parseSshConnection(bad), null, String(bad));
  });

  test('IPv4-mapped and plain forms of an address match alike', () => {
    const own = new OwnSessions();
    own.set([{ ...ssh, local: '::ffff:10.0.0.2' }]);
    assert.ok(own.matches(tcpPacket('10.0.0.2', '10.0.0.9', { srcPort: 22, dstPort: 50123, flags: ACK }, 1)));
    assert.ok(own.matchesEnds(6, '10.0.0.9', 50123, '10.0.0.2', 22));
    assert.ok(!own.matchesEnds(17, '10.0.0.9', 50123, '10.0.0.2', 22));
  });

  test('the session is found from the process tree: the nearest sshd ancestor\'s established socket', async () => {
    const files: Record<string, string> = {
      '/proc/300/stat': '300 (node) S 200 300 300 0',
      '/proc/200/stat': '200 (bash) S 100 200 200 0',
      '/proc/100/stat': '100 (sshd) S 1 100 100 0',
      '/proc/100/net/tcp': [
        '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
        '   0: 0200000A:0016 0900000A:C3CB 01 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 20 4 30 10 -1',
        '   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0000000000000000 100 0 0 10 0',
      ].join('\n'),
    };
    const fs: ProcFs = {
      readFile: async (p) => {
        if (p in files) return files[p]!;
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      },
      readdir: async (p) => (p === '/proc/100/fd' ? ['3', '4'] : []),
      readlink: async (p) => (p === '/proc/100/fd/3' ? 'socket:[4242]' : '/dev/null'),
    };
    assert.deepEqual(await findTerminalSessions(300, fs), [{ local: '10.0.0.2', localPort: 22, peer: '10.0.0.9', peerPort: 50123 }]);
    assert.deepEqual(await findTerminalSessions(200, { ...fs, readFile: async (p) => (p === '/proc/200/stat' ? '200 (tmux: server) S 1 1 1' : Promise.reject(new Error('x'))) }), []);
  });
});
