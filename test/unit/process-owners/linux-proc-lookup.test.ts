import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LinuxProcLookup, type LinuxProcLookupOptions } from '../../../src/platform/process-owners/linux-proc-lookup.js';
import { NullProcessOwnerLookup, type SocketKey } from '../../../src/platform/process-owners/process-owner-lookup.js';
import { createProcessOwnerLookup } from '../../../src/platform/process-owners/create-process-owner-lookup.js';
import { FakeClock, FakeProcFs } from './proc-fake.js';

function setup(options: LinuxProcLookupOptions = {}) {
  const fs = new FakeProcFs();
  const clock = new FakeClock();
  const lookup = new LinuxProcLookup({ fs, clock, littleEndian: true, ...options });
  return { fs, clock, lookup };
}

const tcp = (local: string, lport: number, remote: string | null = null, rport: number | null = null): SocketKey => ({
  proto: 'tcp',
  localAddress: local,
  localPort: lport,
  remoteAddress: remote,
  remotePort: rport,
});

describe('LinuxProcLookup over a fake /proc', () => {
  test('server and client ends of a loopback connection, then served from the cache', async () => {
    const { fs, lookup } = setup();
    fs.addProcess({ pid: 100, name: 'python3', cmdline: 'python3\0-m\0http.server\x008089\0', uid: 33, fds: { 0: '/dev/null', 3: 5001, 4: 5002 } });
    fs.addProcess({ pid: 200, name: 'curl', cmdline: 'curl\0-s\0http://127.0.0.1:8089/\0', uid: 1000, fds: { 5: 5003 } });
    fs.addSocket('tcp', { local: '127.0.0.1', lport: 8089, state: 'LISTEN', inode: 5001 });
    fs.addSocket('tcp', { local: '127.0.0.1', lport: 8089, remote: '127.0.0.1', rport: 40000, inode: 5002 });
    fs.addSocket('tcp', { local: '127.0.0.1', lport: 40000, remote: '127.0.0.1', rport: 8089, inode: 5003 });

    const server = await lookup.lookup(tcp('127.0.0.1', 8089, '127.0.0.1', 40000));
    assert.deepEqual(server, { pid: 100, name: 'python3', commandLine: 'python3 -m http.server 8089', user: 'www-data', uid: 33 });
    const client = await lookup.lookup(tcp('::ffff:127.0.0.1', 40000, '127.0.0.1', 8089));
    assert.deepEqual(client, { pid: 200, name: 'curl', commandLine: 'curl -s http://127.0.0.1:8089/', user: '1000', uid: 1000 });
    assert.equal(lookup.stats().rescans, 1, 'one scan placed every socket');
    const readlinks = fs.calls.readlink;
    const again = await lookup.lookup(tcp('127.0.0.1', 8089, '127.0.0.1', 40000));
    assert.equal(again?.pid, 100);
    assert.equal(fs.calls.readlink - readlinks, 1, 'a cache hit costs one verifying readlink');
    const s = lookup.stats();
    assert.equal(s.rescans, 1);
    assert.equal(s.hits, 2);
    assert.equal(s.misses, 1);
    assert.equal(s.cacheSize, 3);
  });

  test('IPv4-mapped sockets in tcp6 match IPv4 keys; dual-stack listener takes IPv4 peers', async () => {
    const { fs, lookup } = setup();
    fs.addProcess({ pid: 300, name: 'nginx', fds: { 6: 7001, 7: 7002 } });
    fs.addSocket('tcp', { local: '::', lport: 443, state: 'LISTEN', inode: 7001, v6: true });
    fs.addSocket('tcp', { local: '::ffff:10.0.0.5', lport: 443, remote: '::ffff:203.0.113.7', rport: 5555, inode: 7002, v6: true });
    assert.equal((await lookup.lookup(tcp('10.0.0.5', 443, '203.0.113.7', 5555)))?.pid, 300);
    assert.equal((await lookup.lookup(tcp('10.0.0.5', 443, '203.0.113.8', 5556)))?.name, 'nginx', 'a new peer (SYN) → the listener');
  });

  test('TIME_WAIT (inode 0) is unknown without any scan', async () => {
    const { fs, lookup } = setup();
    fs.addProcess({ pid: 100, name: 'python3', fds: { 3: 5001 } });
    fs.addSocket('tcp', { local: '127.0.0.1', lport: 8089, state: 'LISTEN', inode: 5001 });
    fs.addSocket('tcp', { local: '127.0.0.1', lport: 8089, remote: '127.0.0.1', rport: 40001, state: 'TIME_WAIT', inode: 0 });
    assert.equal(await lookup.lookup(tcp('127.0.0.1', 8089, '127.0.0.1', 40001)), null);
    assert.equal(lookup.stats().rescans, 0);
    assert.equal(lookup.stats().unknown, 1);
  });

  test('UDP: unconnected socket on the wildcard address', async () => {
    const { fs, lookup } = setup();
    fs.addProcess({ pid: 53, name: 'dnsmasq', fds: { 4: 9001 } });
    fs.addSocket('udp', { local: '0.0.0.0', lport: 53, state: 'CLOSE', inode: 9001 });
    const info = await lookup.lookup({ proto: 'udp', localAddress: '192.0.2.1', localPort: 53, remoteAddress: '198.51.100.2', remotePort: 33333 });
    assert.equal(info?.name, 'dnsmasq');
    assert.equal(await lookup.lookup({ proto: 'udp', localAddress: '192.0.2.1', localPort: 54, remoteAddress: null, remotePort: null }), null);
  });

  test('a socket created after the last table read is found by a fresh read', async () => {
    const { fs, clock, lookup } = setup();
    fs.addProcess({ pid: 100, name: 'python3', fds: { 3: 5001 } });
    fs.addSocket('tcp', { local: '127.0.0.1', lport: 8089, state: 'LISTEN', inode: 5001 });
    await lookup.lookup(tcp('127.0.0.1', 8089));
    const reads = lookup.stats().tableReads;
    clock.advance(1);
    fs.addProcess({ pid: 400, name: 'ssh', fds: { 3: 6001 } });
    fs.addSocket('tcp', { local: '10.0.0.5', lport: 41000, remote: '192.0.2.22', rport: 22, state: 'SYN_SENT', inode: 6001 });
    assert.equal((await lookup.lookup(tcp('10.0.0.5', 41000, '192.0.2.22', 22)))?.name, 'ssh');
    assert.equal(lookup.stats().tableReads, reads + 1);
  });

  test('a flood of concurrent unknown flows costs one table read and one scan', async () => {
    const { fs, lookup } = setup();
    fs.addProcess({ pid: 100, name: 'python3', fds: { 3: 5001 } });
    fs.addSocket('tcp', { local: '127.0.0.1', lport: 8089, state: 'LISTEN', inode: 5001 });
    // Sockets in the table whose holders we cannot see (another pid namespace, a kernel socket).
    for (let i = 0; i < 200; i++) fs.addSocket('tcp', { local: '10.0.0.5', lport: 20000 + i, remote: '198.51.100.1', rport: 80, inode: 90000 + i });
    const keys = Array.from({ length: 200 }, (_, i) => tcp('10.0.0.5', 20000 + i, '198.51.100.1', 80));
    const results = await Promise.all(keys.map((k) => lookup.lookup(k)));
    assert.ok(results.every((r) => r === null));
    assert.equal(fs.calls.procReaddir, 1);
    assert.equal(lookup.stats().rescans, 1);
    assert.equal(fs.calls.tableReads, 2, 'tcp and tcp6 read once');
    // Asked again: remembered as unknown, no new scan.
    await Promise.all(keys.map((k) => lookup.lookup(k)));
    assert.equal(lookup.stats().rescans, 1);
  });

  test('sequential misses: full rescans at most one per 100 ms', async () => {
    const { fs, clock, lookup } = setup();
    const scanTimes: number[] = [];
    fs.onScan = () => scanTimes.push(clock.now());
    for (let i = 0; i < 10; i++) {
      // A new process and socket each time: every lookup needs a rescan.
      fs.addProcess({ pid: 1000 + i, name: `worker${i}`, fds: { 3: 8000 + i } });
      fs.addSocket('tcp', { local: '127.0.0.1', lport: 30000 + i, remote: '127.0.0.1', rport: 80, inode: 8000 + i });
      clock.advance(7);
      const info = await lookup.lookup(tcp('127.0.0.1', 30000 + i, '127.0.0.1', 80));
      assert.equal(info?.name, `worker${i}`);
    }
    assert.equal(scanTimes.length, 10);
    for (let i = 1; i < scanTimes.length; i++) assert.ok(scanTimes[i]! - scanTimes[i - 1]! >= 100, `scan gap ${scanTimes[i]! - scanTimes[i - 1]!} ms`);
  });

  test('the inode cache is bounded (LRU), evicted sockets are found again by a rescan', async () => {
    const { fs, clock, lookup } = setup({ inodeCacheSize: 8 });
    const fds: Record<string, number> = {};
    for (let i = 0; i < 50; i++) {
      fds[String(10 + i)] = 7000 + i;
      fs.addSocket('tcp', { local: '127.0.0.1', lport: 31000 + i, remote: '127.0.0.1', rport: 80, inode: 7000 + i });
    }
    fs.addProcess({ pid: 77, name: 'busy', fds });
    for (let i = 0; i < 50; i++) assert.equal((await lookup.lookup(tcp('127.0.0.1', 31000 + i, '127.0.0.1', 80)))?.pid, 77);
    assert.equal(lookup.stats().cacheSize, 8);
    clock.advance(1000);
    assert.equal((await lookup.lookup(tcp('127.0.0.1', 31000, '127.0.0.1', 80)))?.pid, 77);
    assert.ok(lookup.stats().cacheSize <= 8);
  });

  test('a stale cache entry (fd closed, inode now elsewhere) is verified away', async () => {
    const { fs, clock, lookup } = setup();
    fs.addProcess({ pid: 100, name: 'parent', fds: { 3: 5001 } });
    fs.addSocket('tcp', { local: '127.0.0.1', lport: 8089, state: 'LISTEN', inode: 5001 });
    assert.equal((await lookup.lookup(tcp('127.0.0.1', 8089)))?.pid, 100);
    // The parent hands the socket to a child and exits.
    fs.processes.delete(100);
    fs.addProcess({ pid: 101, name: 'child', fds: { 9: 5001 } });
    clock.advance(200);
    assert.equal((await lookup.lookup(tcp('127.0.0.1', 8089)))?.pid, 101);
  });

  test('a reused pid is another process: its new socket gets the new name (start time differs)', async () => {
    const { fs, clock, lookup } = setup();
    fs.addProcess({ pid: 100, name: 'old', startTime: 1, fds: { 3: 5001 } });
    fs.addSocket('tcp', { local: '127.0.0.1', lport: 8089, state: 'LISTEN', inode: 5001 });
    assert.equal((await lookup.lookup(tcp('127.0.0.1', 8089)))?.name, 'old');
    // 'old' exits, its socket goes; pid 100 is reused at once by a process with another socket.
    fs.tcp = [];
    fs.addProcess({ pid: 100, name: 'new', startTime: 2, fds: { 3: 5002 } });
    fs.addSocket('tcp', { local: '127.0.0.1', lport: 9090, state: 'LISTEN', inode: 5002 });
    clock.advance(30);
    assert.equal(await lookup.lookup(tcp('127.0.0.1', 8089)), null);
    assert.equal((await lookup.lookup(tcp('127.0.0.1', 9090)))?.name, 'new');
  });

  test('a process that exec()s keeps its socket; the new name shows once the description is re-read', async () => {
    const { fs, clock, lookup } = setup({ processInfoTtlMs: 1000 });
    fs.addProcess({ pid: 100, name: 'sh', cmdline: 'sh\0-c\0exec nc -l 4444\0', fds: { 3: 5001 } });
    fs.addSocket('tcp', { local: '0.0.0.0', lport: 4444, state: 'LISTEN', inode: 5001 });
    assert.equal((await lookup.lookup(tcp('10.0.0.5', 4444)))?.name, 'sh');
    fs.addProcess({ pid: 100, name: 'nc', cmdline: 'nc\0-l\x004444\0', fds: { 3: 5001 } });
    clock.advance(500);
    assert.equal((await lookup.lookup(tcp('10.0.0.5', 4444)))?.name, 'sh', 'within the TTL: one readlink, no re-read');
    clock.advance(600);
    const info = await lookup.lookup(tcp('10.0.0.5', 4444));
    assert.equal(info?.name, 'nc');
    assert.equal(info?.commandLine, 'nc -l 4444');
  });

  test('processes we may not read (EACCES) and ones that exit mid-scan (ENOENT) are unknown, not errors', async () => {
    const { fs, lookup } = setup();
    fs.addProcess({ pid: 100, name: 'secret', fds: { 3: 5001 }, fdError: 'EACCES' });
    fs.addProcess({ pid: 101, name: 'gone', fds: { 3: 5002 } });
    fs.addProcess({ pid: 102, name: 'ok', fds: { 3: 5003 } });
    fs.addSocket('tcp', { local: '127.0.0.1', lport: 1, state: 'LISTEN', inode: 5001 });
    fs.addSocket('tcp', { local: '127.0.0.1', lport: 2, state: 'LISTEN', inode: 5002 });
    fs.addSocket('tcp', { local: '127.0.0.1', lport: 3, state: 'LISTEN', inode: 5003 });
    fs.onScan = () => fs.processes.delete(101);
    const [a, b, c] = await Promise.all([1, 2, 3].map((p) => lookup.lookup(tcp('127.0.0.1', p))));
    assert.equal(a, null);
    assert.equal(b, null);
    assert.equal(c?.name, 'ok');
    assert.equal(lookup.stats().lastScan?.inaccessible, 1);
  });

  test('a socket shared by workers of one program → the lowest pid; by different programs → unknown', async () => {
    const { fs, lookup } = setup();
    fs.addProcess({ pid: 500, name: 'nginx', uid: 0, fds: { 6: 4001 } });
    fs.addProcess({ pid: 501, name: 'nginx', uid: 0, fds: { 6: 4001 } });
    fs.addSocket('tcp', { local: '0.0.0.0', lport: 80, state: 'LISTEN', inode: 4001 });
    assert.equal((await lookup.lookup(tcp('192.0.2.1', 80, '198.51.100.1', 1234)))?.pid, 500);
    // SO_REUSEPORT listeners of two different programs on one port: no guess.
    fs.addProcess({ pid: 600, name: 'a', fds: { 3: 4101 } });
    fs.addProcess({ pid: 601, name: 'b', fds: { 3: 4102 } });
    fs.addSocket('udp', { local: '0.0.0.0', lport: 9999, state: 'CLOSE', inode: 4101 });
    fs.addSocket('udp', { local: '0.0.0.0', lport: 9999, state: 'CLOSE', inode: 4102 });
    assert.equal(await lookup.lookup({ proto: 'udp', localAddress: '192.0.2.1', localPort: 9999, remoteAddress: null, remotePort: null }), null);
  });

  test('too many waiting lookups are shed (null at once), close() makes every answer null', async () => {
    const { fs, lookup } = setup({ maxPending: 5 });
    fs.addProcess({ pid: 100, name: 'python3', fds: { 3: 5001 } });
    fs.addSocket('tcp', { local: '127.0.0.1', lport: 8089, state: 'LISTEN', inode: 5001 });
    const results = await Promise.all(Array.from({ length: 20 }, () => lookup.lookup(tcp('127.0.0.1', 8089))));
    assert.equal(results.filter((r) => r !== null).length, 5);
    assert.equal(lookup.stats().shed, 15);
    lookup.close();
    assert.equal(await lookup.lookup(tcp('127.0.0.1', 8089)), null);
    assert.equal(lookup.stats().cacheSize, 0);
  });

  test('bad keys and an unreadable /proc are unknown', async () => {
    const { lookup } = setup({ procRoot: '/nonexistent', procNetDir: '/nonexistent/net', passwdPath: '/nonexistent/passwd' });
    assert.equal(await lookup.lookup(tcp('not an address', 1)), null);
    assert.equal(await lookup.lookup({ proto: 'icmp' as 'tcp', localAddress: '127.0.0.1', localPort: 1, remoteAddress: null, remotePort: null }), null);
    assert.equal(await lookup.lookup(tcp('127.0.0.1', 1)), null);
  });
});

describe('createProcessOwnerLookup', () => {
  test('Linux gets /proc, other platforms the honest null lookup', async () => {
    assert.ok(createProcessOwnerLookup('linux') instanceof LinuxProcLookup);
    const other = createProcessOwnerLookup('darwin');
    assert.ok(other instanceof NullProcessOwnerLookup);
    assert.equal(await other.lookup(tcp('127.0.0.1', 22)), null);
    assert.deepEqual(
      { hits: other.stats().hits, misses: other.stats().misses, rescans: other.stats().rescans, cacheSize: other.stats().cacheSize },
      { hits: 0, misses: 1, rescans: 0, cacheSize: 0 },
    );
    other.close();
    assert.ok(createProcessOwnerLookup('win32') instanceof NullProcessOwnerLookup);
  });
});
