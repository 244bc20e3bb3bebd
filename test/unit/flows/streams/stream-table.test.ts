import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TcpFlag } from '../../../../src/engine/decode/packet.js';
import type { HttpRequest } from '../../../../src/engine/flows/streams/http/http-message.js';
import type { StreamListener } from '../../../../src/engine/flows/streams/stream-listener.js';
import { StreamRig } from '../../../support/tcp-conversation.js';

const VICTIM = '10.77.0.2';

function recorder() {
  const requests: string[] = [];
  const bodies: string[] = [];
  const listener: StreamListener = {
    onHttpRequest: (req: HttpRequest) => void requests.push(`${req.method} ${req.target}`),
    onHttpBody: (req: HttpRequest) => void bodies.push(req.body === null ? '' : req.body.toString('latin1')),
  };
  return { requests, bodies, listener };
}

describe('StreamTable', () => {
  test('every request of a keep-alive connection, pipelined and split, with bodies; all memory given back at the end', () => {
    const r = recorder();
    const rig = new StreamRig([r.listener]);
    const c = rig.connection('10.77.0.1', VICTIM, 40000, 8080).open();
    for (let i = 0; i < 45; i++) c.send(`GET /p/${i} HTTP/1.1\r\nHost: x\r\n\r\n`).reply('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    c.send('POST /f HTTP/1.1\r\nContent-Length: 5\r\n\r\na=1&bGET /after HTTP/1.1\r\n\r\n');
    c.sendSplit('POST /j HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{"a\r\n2\r\n":\r\n0\r\n\r\n', 4);
    c.close();
    assert.equal(r.requests.length, 48);
    assert.equal(r.requests[44], 'GET /p/44');
    assert.deepEqual(r.requests.slice(45), ['POST /f', 'GET /after', 'POST /j']);
    assert.deepEqual(r.bodies, ['a=1&b', '{"a":']);
    assert.equal(rig.streams.budget.used, 0);
    assert.equal(rig.streams.size, 0);
  });

  test('a flood of half-sent requests and out-of-order data holds no more than the global budget', () => {
    const maxBytes = 256 * 1024;
    const maxStreams = 512;
    const rig = new StreamRig([recorder().listener], { maxBytes, maxStreams, maxHeldBytes: 64 * 1024, maxHeadBytes: 8 * 1024 }, [], 8192);
    const partial = `GET /${'a'.repeat(4000)} HTTP/1.1\r\nHost: x\r\nX-Pad: ${'b'.repeat(3000)}`; // no blank line: never completes
    for (let i = 0; i < 3000; i++) {
      const c = rig.connection(`10.${(i >> 8) & 255}.${i & 255}.9`, VICTIM, 10000 + (i % 50000), 80).open();
      c.send(partial);
      c.send('z'.repeat(1200), 20_000); // far ahead: held out of order
      const s = rig.streams;
      assert.ok(s.budget.used <= maxBytes, `budget ${s.budget.used} > ${maxBytes} after ${i + 1} connections`);
      assert.ok(s.size <= maxStreams);
    }
    const s = rig.streams;
    assert.ok(s.budget.peak <= maxBytes, `peak ${s.budget.peak}`);
    assert.ok(s.stats.evicted > 0, 'older streams evicted to make room, and counted');
    assert.ok(s.stats.headsTruncated > 0 || s.stats.evicted > 2000, 'heads past the limit are cut, or their streams evicted');
    // Idle streams go away with everything they hold.
    rig.advance(10 * 60 * 1e6);
    assert.equal(s.size, 0);
    assert.equal(s.budget.used, 0);
  });

  test('data on a connection without a handshake in view opens a stream only when it starts a request', () => {
    const r = recorder();
    const rig = new StreamRig([r.listener]);
    // A "connection" that never had a SYN: random bytes to port 80 open nothing.
    const c = rig.connection('198.51.100.7', VICTIM, 5555, 80);
    c.send(Buffer.alloc(500, 0x41));
    assert.equal(rig.streams.size, 0);
    const d = rig.connection('198.51.100.8', VICTIM, 5556, 8080);
    d.send('GET /mid-capture HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.deepEqual(r.requests, ['GET /mid-capture']);
  });
});

describe('StreamTable: how connections end', () => {
  test('a reset right after the FIN (at the FIN + 1) ends the stream; one off the window does not', () => {
    const r = recorder();
    const rig = new StreamRig([r.listener]);
    const c = rig.connection('10.77.0.1', VICTIM, 40100, 8080).open();
    c.send('GET / HTTP/1.1\r\nHost: x\r\n\r\n').reply('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    assert.equal(rig.streams.size, 1);
    c.rawClient(TcpFlag.RST, c.clientOff + 5000); // off the window: a host ignores it
    assert.equal(rig.streams.size, 1);
    c.rawClient(TcpFlag.FIN | TcpFlag.ACK, c.clientOff);
    c.rawClient(TcpFlag.RST, c.clientOff + 1);
    assert.equal(rig.streams.size, 0);
    assert.equal(rig.streams.budget.used, 0);
  });
});
