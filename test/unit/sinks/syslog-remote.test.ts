import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import { escapeParamValue, formatRfc5424, octetCounted } from '../../../src/sinks/syslog/rfc5424.js';
import { RemoteSyslogTransport } from '../../../src/sinks/syslog/remote-syslog-transport.js';
import { waitFor } from '../../support/wait-for.js';

const base = { severity: 3, time: Date.parse('2026-03-01T12:00:00.123Z'), hostname: 'web 1', appName: 'snoopy-tui', procId: '42', msgId: 'PORT_SCAN', msg: 'PORT_SCAN from 203.0.113.7' };

/** Splits an octet-counted TCP stream into messages (RFC 6587 §3.4.1). */
function deframe(buf: Buffer): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < buf.length) {
    const sp = buf.indexOf(0x20, i);
    const len = Number(buf.subarray(i, sp).toString('ascii'));
    out.push(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
    i = sp + 1 + len;
  }
  return out;
}

describe('RFC 5424 messages', () => {
  test('header, structured data with escapes, and the message', () => {
    const text = formatRfc5424({ ...base, params: [['src', '203.0.113.7'], ['sample', 'GET /a"b\\c]d Ωmega'], ['empty', null], ['port', 22]] });
    assert.equal(text, '<35>1 2026-03-01T12:00:00.123Z web1 snoopy-tui 42 PORT_SCAN [snoopy@32473 src="203.0.113.7" sample="GET /a\\"b\\\\c\\]d Ωmega" port="22"] PORT_SCAN from 203.0.113.7');
    assert.equal(escapeParamValue('"]\\'), '\\"\\]\\\\');
    assert.match(formatRfc5424({ ...base, params: [], msg: '' }), / PORT_SCAN -$/);
  });
  test('octet counting counts bytes, not characters', () => {
    const framed = octetCounted('Ω€');
    assert.equal(framed.toString('utf8'), '5 Ω€');
    assert.deepEqual(deframe(Buffer.concat([octetCounted('ab'), octetCounted('Ωx')])), ['ab', 'Ωx']);
  });
});

describe('the transport to a collector', () => {
  test('TCP: queued while the collector is away, delivered in order once it listens, octet-counted', async () => {
    // A port that is free now; the collector opens on it later.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const warnings: string[] = [];
    const t = new RemoteSyslogTransport({ transport: 'tcp', host: '127.0.0.1', port, warn: (l) => warnings.push(l), minDelayMs: 20, maxDelayMs: 100, capacity: 3 });
    for (const m of ['m1', 'm2 Ω', 'm3', 'm4']) t.send(m);
    await waitFor(() => warnings.length > 0, { message: 'a warning that the collector is away' });
    let received = Buffer.alloc(0);
    const sockets: Socket[] = [];
    const server: Server = createServer((s) => {
      sockets.push(s);
      s.on('data', (d) => (received = Buffer.concat([received, d])));
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    try {
      await waitFor(() => deframe(received).length === 3, { timeoutMs: 5000, message: () => `three messages, got ${JSON.stringify(deframe(received))}` });
      assert.deepEqual(deframe(received), ['m2 Ω', 'm3', 'm4'], 'the oldest was dropped: the queue holds 3');
      assert.equal(t.dropped, 1);
      // The collector restarts: we reconnect and go on.
      for (const s of sockets) s.destroy();
      await waitFor(() => sockets.length === 2 || (t.send('m5'), false), { timeoutMs: 5000, intervalMs: 30, message: 'a reconnection' });
      t.send('m6');
      await waitFor(() => deframe(received).includes('m6'), { timeoutMs: 5000, message: 'm6 after reconnecting' });
      assert.ok(warnings.some((w) => /sending again/.test(w)));
    } finally {
      await t.close(1000);
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test('UDP: one datagram per message', async () => {
    const server = createSocket('udp4');
    const got: string[] = [];
    server.on('message', (m) => got.push(m.toString('utf8')));
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
    const t = new RemoteSyslogTransport({ transport: 'udp', host: '127.0.0.1', port: server.address().port, warn: () => undefined });
    t.send('one Ω');
    t.send('two');
    await waitFor(() => got.length === 2, { message: 'two datagrams' });
    assert.deepEqual(got, ['one Ω', 'two']);
    await t.close();
    server.close();
  });
});
