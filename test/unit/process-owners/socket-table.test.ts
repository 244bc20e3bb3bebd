import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pickOwner, SocketTable, type SocketEntry, type SocketState } from '../../../src/platform/process-owners/socket-table.js';

function entry(proto: 'tcp' | 'udp', local: string, lport: number, remote: string, rport: number, state: SocketState, owner: number | null): SocketEntry<number> {
  return { proto, localAddress: local, localPort: lport, remoteAddress: remote, remotePort: rport, state, owner };
}

const table = new SocketTable<number>([
  entry('tcp', '0.0.0.0', 22, '0.0.0.0', 0, 'LISTEN', 1),
  entry('tcp', '::', 22, '::', 0, 'LISTEN', 2),
  entry('tcp', '10.0.0.5', 22, '203.0.113.9', 50000, 'ESTABLISHED', 3),
  entry('tcp', '127.0.0.1', 8080, '0.0.0.0', 0, 'LISTEN', 4),
  entry('tcp', '::', 443, '::', 0, 'LISTEN', 5),
  entry('tcp', '10.0.0.5', 443, '198.51.100.1', 40000, 'TIME_WAIT', null),
  entry('tcp', '10.0.0.5', 443, '198.51.100.2', 40001, 'SYN_RECV', null),
  entry('tcp', '10.0.0.5', 443, '198.51.100.3', 40002, 'ESTABLISHED', null),
  entry('tcp', '10.0.0.5', 51000, '93.184.216.34', 443, 'FIN_WAIT2', null),
  entry('tcp', '10.0.0.5', 9000, '192.0.2.1', 1234, 'ESTABLISHED', 9),
  entry('udp', '0.0.0.0', 53, '0.0.0.0', 0, 'CLOSE', 6),
  entry('udp', '::1', 5353, '::1', 9999, 'ESTABLISHED', 7),
  entry('udp', '2001:db8::1', 123, '::', 0, 'CLOSE', 8),
]);

const tcp = (local: string, lport: number, remote: string | null = null, rport: number | null = null) => ({ proto: 'tcp' as const, localAddress: local, localPort: lport, remoteAddress: remote, remotePort: rport });

describe('SocketTable.match', () => {
  test('exact 4-tuple first, in any address spelling', () => {
    assert.deepEqual(table.match(tcp('10.0.0.5', 22, '203.0.113.9', 50000)), { kind: 'owned', level: 'exact', owners: [3] });
    assert.deepEqual(table.match(tcp('::ffff:10.0.0.5', 22, '::ffff:203.0.113.9', 50000)), { kind: 'owned', level: 'exact', owners: [3] });
  });

  test('then the listener: exact local address, then 0.0.0.0, then :: for IPv4', () => {
    assert.deepEqual(table.match(tcp('127.0.0.1', 8080, '127.0.0.1', 33333)), { kind: 'owned', level: 'local', owners: [4] });
    assert.deepEqual(table.match(tcp('10.0.0.7', 22, '203.0.113.10', 1)), { kind: 'owned', level: 'wildcard', owners: [1] });
    assert.deepEqual(table.match(tcp('10.0.0.7', 443, '203.0.113.10', 1)), { kind: 'owned', level: 'wildcard', owners: [5] });
    assert.deepEqual(table.match(tcp('2001:db8::7', 22)), { kind: 'owned', level: 'wildcard', owners: [2] });
    assert.deepEqual(table.match(tcp('127.0.0.2', 8080)), { kind: 'none' });
  });

  test('a connection over (TIME_WAIT, FIN_WAIT2 with inode 0) is unknown, not its listener', () => {
    assert.deepEqual(table.match(tcp('10.0.0.5', 443, '198.51.100.1', 40000)), { kind: 'ownerless', state: 'TIME_WAIT' });
    assert.deepEqual(table.match(tcp('10.0.0.5', 51000, '93.184.216.34', 443)), { kind: 'ownerless', state: 'FIN_WAIT2' });
  });

  test('a connection still in the accept queue belongs to the listener', () => {
    assert.deepEqual(table.match(tcp('10.0.0.5', 443, '198.51.100.2', 40001)), { kind: 'owned', level: 'wildcard', owners: [5] });
    assert.deepEqual(table.match(tcp('10.0.0.5', 443, '198.51.100.3', 40002)), { kind: 'owned', level: 'wildcard', owners: [5] });
  });

  test('an established connection is not a listener for other peers', () => {
    assert.deepEqual(table.match(tcp('10.0.0.5', 9000, '192.0.2.2', 1234)), { kind: 'none' });
  });

  test('UDP: unconnected sockets by local address and port, connected ones by 4-tuple', () => {
    const udp = (local: string, lport: number, remote: string | null, rport: number | null) => ({ proto: 'udp' as const, localAddress: local, localPort: lport, remoteAddress: remote, remotePort: rport });
    assert.deepEqual(table.match(udp('192.0.2.53', 53, '198.51.100.9', 5000)), { kind: 'owned', level: 'wildcard', owners: [6] });
    assert.deepEqual(table.match(udp('::1', 5353, '::1', 9999)), { kind: 'owned', level: 'exact', owners: [7] });
    assert.deepEqual(table.match(udp('::1', 5353, '::1', 9998)), { kind: 'none' });
    assert.deepEqual(table.match(udp('2001:db8:0:0:0:0:0:1', 123, null, null)), { kind: 'owned', level: 'local', owners: [8] });
    assert.deepEqual(table.match(tcp('2001:db8::1', 123)), { kind: 'none' });
  });

  test('bad keys match nothing', () => {
    assert.deepEqual(table.match(tcp('not-an-ip', 22)), { kind: 'none' });
    assert.deepEqual(table.match(tcp('10.0.0.5', 70000)), { kind: 'none' });
    assert.deepEqual(table.match(tcp('10.0.0.5', 22, 'x', 1)), { kind: 'none' });
  });
});

describe('pickOwner', () => {
  test('one program: lowest pid; different programs: ambiguous (null)', () => {
    assert.equal(pickOwner([]), null);
    assert.equal(pickOwner([{ pid: 9, name: 'nginx', uid: 33 }, { pid: 4, name: 'nginx', uid: 33 }])?.pid, 4);
    assert.equal(pickOwner([{ pid: 9, name: 'nginx', uid: 33 }, { pid: 4, name: 'nginx', uid: 0 }]), null);
    assert.equal(pickOwner([{ pid: 9, name: 'sshd', uid: 0 }, { pid: 4, name: 'bash', uid: 0 }]), null);
  });
});
