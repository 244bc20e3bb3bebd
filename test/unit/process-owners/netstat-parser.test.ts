// netstat and PowerShell cannot be run for Windows here: these are parser tests on sample outputs
// written after the tools' documented formats (English and German Windows netstat -ano,
// ConvertTo-Csv with and without the #TYPE line, tasklist /FO CSV /NH).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  parseCsvLine,
  parseNetConnectionCsv,
  parseNetstatAno,
  parseTasklistCsv,
  windowsOwnerPid,
  windowsSocketTable,
} from '../../../src/platform/process-owners/netstat-parser.js';

const english = `
Active Connections

  Proto  Local Address          Foreign Address        State           PID
  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1032
  TCP    0.0.0.0:445            0.0.0.0:0              LISTENING       4
  TCP    127.0.0.1:49669        127.0.0.1:49670        ESTABLISHED     4212
  TCP    127.0.0.1:49670        127.0.0.1:49669        ESTABLISHED     4212
  TCP    192.168.1.23:49822     52.114.128.10:443      ESTABLISHED     9180
  TCP    192.168.1.23:49901     93.184.216.34:80       TIME_WAIT       0
  TCP    [::]:135               [::]:0                 LISTENING       1032
  TCP    [::1]:8089             [::]:0                 LISTENING       7700
  TCP    [::1]:8089             [::1]:50123            ESTABLISHED     7700
  TCP    [fe80::b1c2:d3e4:f5a6:7b8c%12]:5357  [fe80::1%12]:50000  SYN_SENT  880
  UDP    0.0.0.0:5353           *:*                                    2364
  UDP    [::]:5353              *:*                                    2364
  UDP    [fe80::b1c2:d3e4:f5a6:7b8c%12]:1900  *:*                      3880
`.replace(/\n/g, '\r\n');

const german = `
Aktive Verbindungen

  Proto  Lokale Adresse         Remoteadresse          Status           PID
  TCP    0.0.0.0:135            0.0.0.0:0              ABHÖREN         1032
  TCP    192.168.178.20:50312   140.82.121.4:443       HERGESTELLT     8812
  TCP    192.168.178.20:50400   140.82.121.4:443       WARTEND         0
  UDP    0.0.0.0:123            *:*                                    1500
`;

describe('netstat -ano parser', () => {
  test('English rows: listeners, connections, TIME_WAIT without owner, UDP, scoped IPv6', () => {
    const sockets = parseNetstatAno(english);
    assert.equal(sockets.length, 13);
    assert.deepEqual(sockets[0], { proto: 'tcp', localAddress: '0.0.0.0', localPort: 135, remoteAddress: null, remotePort: null, state: 'LISTEN', pid: 1032 });
    assert.deepEqual(sockets[5], { proto: 'tcp', localAddress: '192.168.1.23', localPort: 49901, remoteAddress: '93.184.216.34', remotePort: 80, state: 'TIME_WAIT', pid: null });
    assert.deepEqual(sockets[9], { proto: 'tcp', localAddress: 'fe80::b1c2:d3e4:f5a6:7b8c', localPort: 5357, remoteAddress: 'fe80::1', remotePort: 50000, state: 'SYN_SENT', pid: 880 });
    assert.deepEqual(sockets[10], { proto: 'udp', localAddress: '0.0.0.0', localPort: 5353, remoteAddress: null, remotePort: null, state: 'CLOSE', pid: 2364 });

    const table = windowsSocketTable(sockets);
    const key = (proto: 'tcp' | 'udp', local: string, lport: number, remote: string | null, rport: number | null) => ({ proto, localAddress: local, localPort: lport, remoteAddress: remote, remotePort: rport });
    assert.equal(windowsOwnerPid(table, key('tcp', '192.168.1.23', 49822, '52.114.128.10', 443)), 9180);
    assert.equal(windowsOwnerPid(table, key('tcp', '192.168.1.23', 49901, '93.184.216.34', 80)), null, 'TIME_WAIT: unknown');
    assert.equal(windowsOwnerPid(table, key('tcp', '192.168.1.23', 445, '192.168.1.77', 50001)), 4, 'SMB belongs to System (4)');
    assert.equal(windowsOwnerPid(table, key('tcp', '::1', 8089, '::1', 50124)), 7700);
    assert.equal(windowsOwnerPid(table, key('udp', '192.168.1.23', 5353, '224.0.0.251', 5353)), 2364);
    assert.equal(windowsOwnerPid(table, key('tcp', '192.168.1.23', 3389, '192.168.1.77', 50001)), null);
  });

  test('localised output: rows by shape, listening from the foreign port', () => {
    const sockets = parseNetstatAno(german);
    assert.equal(sockets.length, 4);
    assert.equal(sockets[0]!.state, 'LISTEN');
    assert.equal(sockets[1]!.pid, 8812);
    assert.equal(sockets[2]!.pid, null);
    const table = windowsSocketTable(sockets);
    assert.equal(windowsOwnerPid(table, { proto: 'tcp', localAddress: '192.168.178.20', localPort: 50400, remoteAddress: '140.82.121.4', remotePort: 443 }), null);
    assert.equal(windowsOwnerPid(table, { proto: 'tcp', localAddress: '192.168.178.20', localPort: 135, remoteAddress: '10.0.0.1', remotePort: 1 }), 1032);
  });

  test('junk lines are ignored', () => {
    assert.deepEqual(parseNetstatAno('TCP nonsense\nUDP 1.2.3.4 *:* 5\nTCP 1.2.3.4:1 5.6.7.8:2 ESTABLISHED x\n'), []);
  });
});

describe('Get-NetTCPConnection / Get-NetUDPEndpoint CSV', () => {
  test('Select-Object … | ConvertTo-Csv -NoTypeInformation', () => {
    const csv = [
      '"LocalAddress","LocalPort","RemoteAddress","RemotePort","State","OwningProcess"',
      '"::","135","::","0","Listen","1032"',
      '"0.0.0.0","135","0.0.0.0","0","Listen","1032"',
      '"192.168.1.23","49822","52.114.128.10","443","Established","9180"',
      '"192.168.1.23","49901","93.184.216.34","80","TimeWait","0"',
      '"127.0.0.1","8089","0.0.0.0","0","Listen","7700"',
      '"::ffff:127.0.0.1","50125","::ffff:127.0.0.1","8089","Established","5100"',
    ].join('\r\n');
    const sockets = parseNetConnectionCsv(csv, 'tcp');
    assert.equal(sockets.length, 6);
    assert.deepEqual(sockets[0], { proto: 'tcp', localAddress: '::', localPort: 135, remoteAddress: null, remotePort: null, state: 'LISTEN', pid: 1032 });
    assert.equal(sockets[3]!.state, 'TIME_WAIT');
    assert.equal(sockets[3]!.pid, null);
    assert.equal(sockets[5]!.localAddress, '127.0.0.1');
    const table = windowsSocketTable(sockets);
    assert.equal(windowsOwnerPid(table, { proto: 'tcp', localAddress: '127.0.0.1', localPort: 50125, remoteAddress: '127.0.0.1', remotePort: 8089 }), 5100);
  });

  test('full objects with #TYPE, extra columns in another order, numeric states; UDP endpoints', () => {
    const csv = [
      '#TYPE Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_NetTCPConnection',
      '"State","AppliedSetting","OwningProcess","CreationTime","OffloadState","InstanceID","LocalAddress","LocalPort","RemoteAddress","RemotePort","Caption"',
      '"2","","1032","11/21/2026 9:00:01 AM","0","0.0.0.0++135++0.0.0.0++0","0.0.0.0","135","0.0.0.0","0",""',
      '"5","Internet","9180","11/21/2026 9:10:44 AM","0","x","192.168.1.23","49822","52.114.128.10","443",""',
      '"100","","4400","","0","y","0.0.0.0","50500","0.0.0.0","0",""',
    ].join('\n');
    const sockets = parseNetConnectionCsv(csv, 'tcp');
    assert.deepEqual(sockets.map((s) => [s.localPort, s.state, s.pid, s.remoteAddress]), [
      [135, 'LISTEN', 1032, null],
      [49822, 'ESTABLISHED', 9180, '52.114.128.10'],
      [50500, 'BOUND', 4400, null],
    ]);
    const udp = parseNetConnectionCsv('"LocalAddress","LocalPort","OwningProcess"\n"0.0.0.0","5353","2364"\n"::","5355","1500"\n', 'udp');
    assert.deepEqual(udp.map((s) => [s.localAddress, s.localPort, s.pid, s.state]), [
      ['0.0.0.0', 5353, 2364, 'CLOSE'],
      ['::', 5355, 1500, 'CLOSE'],
    ]);
    assert.deepEqual(parseNetConnectionCsv('', 'tcp'), []);
    assert.deepEqual(parseNetConnectionCsv('"A","B"\n"1","2"', 'tcp'), []);
  });
});

describe('tasklist /FO CSV /NH', () => {
  test('pid → image name, quoted commas in the memory column', () => {
    const names = parseTasklistCsv(
      [
        '"System Idle Process","0","Services","0","8 K"',
        '"System","4","Services","0","2,736 K"',
        '"svchost.exe","1032","Services","0","14,312 K"',
        '"python.exe","7700","Console","1","18,452 K"',
        '"Image Name","PID","Session Name","Session#","Mem Usage"',
      ].join('\r\n'),
    );
    assert.equal(names.get(7700), 'python.exe');
    assert.equal(names.get(4), 'System');
    assert.equal(names.size, 4);
    assert.deepEqual(parseCsvLine('"a ""b""",c,"d,e"'), ['a "b"', 'c', 'd,e']);
  });
});
