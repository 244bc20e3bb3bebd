import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatAddress } from '../../../src/net/address.js';
import { byteSwap32, decodeProcAddress, parseProcNet } from '../../../src/platform/process-owners/proc-net-parser.js';
import { encodeProcAddress } from './proc-fake.js';

// Recorded on this project's machine (x86-64, Linux 6.18) from one python3 process holding:
// a listener on 127.0.0.1:48080 and one on [::]:48081 (dual stack), a v4 connection to each,
// a v6 connection over ::1, a TIME_WAIT left by a closed connection, a UDP socket on
// 0.0.0.0:48053 and a connected UDP socket [::1]:48054 -> [::1]:48053.
const sample = (name: string) => readFileSync(new URL(`./samples/proc-net-${name}.txt`, import.meta.url), 'utf8');

describe('/proc/net parser', () => {
  test('IPv4 table: listener, both ends of a connection, TIME_WAIT with inode 0', () => {
    const { entries, malformed } = parseProcNet(sample('tcp'), 'tcp', true);
    assert.equal(malformed, 0);
    assert.equal(entries.length, 6);
    const listener = entries.find((e) => e.inode === 174455)!;
    assert.deepEqual(
      { local: listener.localAddress, port: listener.localPort, remote: listener.remoteAddress, rport: listener.remotePort, state: listener.state, owner: listener.owner },
      { local: '127.0.0.1', port: 48080, remote: '0.0.0.0', rport: 0, state: 'LISTEN', owner: 174455 },
    );
    const client = entries.find((e) => e.inode === 174457)!;
    assert.equal(client.localPort, 50526);
    assert.equal(client.remotePort, 48080);
    assert.equal(client.state, 'ESTABLISHED');
    const timeWait = entries.find((e) => e.state === 'TIME_WAIT')!;
    assert.equal(timeWait.inode, 0);
    assert.equal(timeWait.owner, null);
    assert.equal(timeWait.localPort, 0xc562);
    const any = entries.find((e) => e.inode === 1663)!;
    assert.equal(any.localAddress, '0.0.0.0');
    assert.equal(any.localPort, 2024);
  });

  test('IPv6 table: wildcard, ::1, and IPv4-mapped addresses come out as dotted quads', () => {
    const { entries, malformed } = parseProcNet(sample('tcp6'), 'tcp', true);
    assert.equal(malformed, 0);
    assert.equal(entries.length, 4);
    assert.equal(entries[0]!.localAddress, '::');
    assert.equal(entries[0]!.state, 'LISTEN');
    assert.equal(entries[1]!.localAddress, '::1');
    assert.equal(entries[1]!.remotePort, 0x975e);
    const mapped = entries.find((e) => e.inode === 174462)!;
    assert.equal(mapped.localAddress, '127.0.0.1');
    assert.equal(mapped.remoteAddress, '127.0.0.1');
    assert.equal(mapped.localPort, 48081);
    assert.equal(mapped.remotePort, 37400);
  });

  test('UDP tables: unconnected (07) and connected (01)', () => {
    const v4 = parseProcNet(sample('udp'), 'udp', true).entries;
    assert.equal(v4.length, 1);
    assert.deepEqual([v4[0]!.localAddress, v4[0]!.localPort, v4[0]!.remotePort, v4[0]!.state], ['0.0.0.0', 48053, 0, 'CLOSE']);
    const v6 = parseProcNet(sample('udp6'), 'udp', true).entries;
    assert.deepEqual([v6[0]!.localAddress, v6[0]!.localPort, v6[0]!.remoteAddress, v6[0]!.remotePort, v6[0]!.state], ['::1', 48054, '::1', 48053, 'ESTABLISHED']);
  });

  test('a global IPv6 address decodes word by word', () => {
    // 2001:db8::5 as the kernel prints it on a little-endian machine.
    assert.equal(decodeProcAddress('B80D0120000000000000000005000000', true), '2001:db8::5');
    assert.equal(decodeProcAddress('20010DB8000000000000000000000005', false), '2001:db8::5');
    assert.equal(decodeProcAddress('7F000001', false), '127.0.0.1');
    assert.equal(decodeProcAddress('0100007F', true), '127.0.0.1');
  });

  test('SYN_RECV and other states', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 0200007F:D431 03 00000000:00000000 02:00000064 00000000     0        0 0 0 0000000000000000',
      '   1: 0100007F:1F90 0200007F:D432 0B 00000000:00000000 00:00000000 00000000  1000        0 77 1 0000000000000000',
    ].join('\n');
    const { entries } = parseProcNet(text, 'tcp', true);
    assert.deepEqual(entries.map((e) => [e.state, e.owner, e.uid, e.remoteAddress]), [
      ['SYN_RECV', null, 0, '127.0.0.2'],
      ['CLOSING', 77, 1000, '127.0.0.2'],
    ]);
  });

  test('malformed lines are counted, not thrown', () => {
    const text = [
      '  sl  local_address rem_address   st',
      '   0: 0100007F:1F90',
      '   1: XYZ:1F90 00000000:0000 0A 0:0 0:0 0 0 0 5',
      '   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 notanumber',
      'garbage',
      '   3: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 42 1 0',
      '',
    ].join('\n');
    const { entries, malformed } = parseProcNet(text, 'tcp', true);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.inode, 42);
    assert.equal(malformed, 4);
    assert.deepEqual(parseProcNet('', 'udp'), { entries: [], malformed: 0 });
  });

  test('property: encoding any address the way the kernel does decodes to formatAddress of it', () => {
    const word = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(word, word, word, word, fc.boolean(), fc.boolean(), (w0, w1, w2, w3, v4, le) => {
        const words: [number, number, number, number] = v4 ? [0, 0, 0xffff, w3] : [w0, w1, w2, w3];
        const hex = encodeProcAddress(words, v4, le);
        assert.equal(decodeProcAddress(hex, le), formatAddress(...words));
      }),
    );
    assert.equal(byteSwap32(0x0100007f), 0x7f000001);
  });
});
