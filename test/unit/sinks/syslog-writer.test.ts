import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Alert } from '../../../src/model/alert.js';
import { SyslogWriter } from '../../../src/sinks/syslog/syslog-writer.js';
import { waitFor } from '../../support/wait-for.js';

const alert = { event_type: 'alert', id: 'x', timestamp: 't', attack_type: 'PORT_SCAN', severity: 'high', attacker_ip: '198.51.100.4', attack_details: { service: 'evil\nInjected: line' } } as unknown as Alert;

describe('SyslogWriter', () => {
  test('argv: absolute logger path, auth facility by severity, tag, one-line JSON message, no shell', async () => {
    const calls: (readonly string[])[] = [];
    const sink = new SyslogWriter({ run: async (argv) => (calls.push(argv), 0) });
    sink.alert(alert);
    await waitFor(() => sink.sent === 1, { message: 'the logger run to be counted as sent' });
    assert.equal(calls.length, 1);
    const argv = calls[0]!;
    assert.equal(argv[0], '/usr/bin/logger');
    assert.deepEqual(argv.slice(1, 5), ['-t', 'snoopy-tui', '-p', 'auth.err']);
    const message = argv.at(-1)!;
    assert.ok(!message.includes('\n'), 'a newline in attacker text cannot start a new syslog record');
    assert.match(message, /^PORT_SCAN from 198\.51\.100\.4: \{/);
    assert.equal(sink.sent, 1);
  });

  test('rate-limited: a burst of alerts forks at most perSecond loggers, the rest counted', () => {
    let runs = 0;
    const sink = new SyslogWriter({ perSecond: 5, run: async () => (runs++, 0) });
    for (let i = 0; i < 100; i++) sink.alert(alert);
    assert.equal(runs, 5);
    assert.equal(sink.dropped, 95);
  });

  test('real util-linux logger delivers the record to a syslog socket', { skip: existsSync('/usr/bin/logger') && existsSync('/usr/bin/python3') ? false : 'needs logger and python3' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snoopy-syslog-'));
    const sock = join(dir, 'log.sock');
    const out = join(dir, 'received');
    // A stand-in for /dev/log: a Unix datagram socket that saves the first datagram.
    const receiver = spawn('python3', ['-c', `import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nopen(sys.argv[2],'wb').write(s.recv(65536))`, sock, out]);
    try {
      await waitFor(() => existsSync(sock), { timeoutMs: 10_000, message: `the receiver to bind ${sock}` });
      const sink = new SyslogWriter({ socketPath: sock });
      sink.alert(alert);
      await waitFor(() => existsSync(out) && statSync(out).size > 0, { timeoutMs: 10_000, message: `the datagram in ${out}` });
      const record = readFileSync(out, 'utf8');
      // <PRI>: auth (4) * 8 + err (3) = 35.
      assert.match(record, /^<35>/);
      assert.match(record, /snoopy-tui/);
      assert.match(record, /PORT_SCAN from 198\.51\.100\.4/);
    } finally {
      receiver.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
