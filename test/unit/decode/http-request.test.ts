import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeLenientUtf8, parseHttpRequest } from '../../../src/engine/decode/http-request.js';

const dec = (bytes: number[]) => decodeLenientUtf8(Buffer.from(bytes), 0, bytes.length);

test('lenient UTF-8: valid sequences decode, other bytes map to their own code point', () => {
  assert.equal(dec([0x61, 0xe2, 0x80, 0xae, 0x62]), 'a\u202eb');
  assert.equal(dec([0x9b, 0x41]), '\u009bA');
  assert.equal(dec([0xc3, 0xa9]), 'é');
  assert.equal(dec([0xc0, 0xaf]), '\u00c0\u00af', 'overlong stays bytes');
  assert.equal(dec([0xed, 0xa0, 0x80]), '\u00ed\u00a0\u0080', 'encoded surrogate stays bytes');
  assert.equal(dec([0xe2, 0x80]), '\u00e2\u0080', 'cut sequence stays bytes');
  assert.equal(dec([0xf0, 0x9f, 0x98, 0x80]), '😀');
});

test('request line, Host and User-Agent; non-HTTP payloads are ignored', () => {
  const req = Buffer.from('POST /login?x=\xe2\x80\xae HTTP/1.0\r\nuser-agent: sqlmap/1.7\r\nHOST: a.test\r\n\r\nbody', 'latin1');
  assert.deepEqual(parseHttpRequest(req, 0, req.length), { method: 'POST', target: '/login?x=\u202e', version: 'HTTP/1.0', host: 'a.test', userAgent: 'sqlmap/1.7' });
  const ssh = Buffer.from('SSH-2.0-OpenSSH_9.2p1 Debian\r\n');
  assert.equal(parseHttpRequest(ssh, 0, ssh.length), null);
  const bad = Buffer.from('GET /nothing-after-it');
  assert.equal(parseHttpRequest(bad, 0, bad.length), null);
});
