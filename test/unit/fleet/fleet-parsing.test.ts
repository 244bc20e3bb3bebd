import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DecisionBook } from '../../../src/fleet/decision-book.js';
import { toFleetDecision, type FleetDecision } from '../../../src/fleet/fleet-decision.js';
import { formatGoDuration, parseGoDuration } from '../../../src/fleet/go-duration.js';
import { parseBouncerKey, parseMachineCredentials } from '../../../src/fleet/lapi-credentials.js';

describe('Go durations as the Local API writes them', () => {
  test('parses what the stream sends', () => {
    assert.equal(parseGoDuration('4h'), 14_400);
    assert.ok(Math.abs(parseGoDuration('3h59m58.950181784s')! - 14_398.950181784) < 1e-6);
    assert.ok(Math.abs(parseGoDuration('-14.653889ms')! + 0.014653889) < 1e-12);
    assert.equal(parseGoDuration('1µs'), 1e-6);
    assert.equal(parseGoDuration('1us'), 1e-6);
    assert.equal(parseGoDuration('0'), 0);
    assert.equal(parseGoDuration('1h30m'), 5400);
  });
  test('refuses what is not one', () => {
    for (const bad of ['', '5', 'h', '1d', '1h 2m', '--1s', '1.2.3s', 'x'.repeat(100)]) assert.equal(parseGoDuration(bad), null, bad);
  });
  test('formats whole seconds, at least one', () => {
    assert.equal(formatGoDuration(300), '300s');
    assert.equal(formatGoDuration(0.2), '1s');
    assert.equal(parseGoDuration(formatGoDuration(86_400)), 86_400);
  });
});

describe('credentials', () => {
  test('a machine file as cscli machines add -f writes it', () => {
    const c = parseMachineCredentials('url: http://10.0.0.5:8080\nlogin: web-1\npassword: UEWB6abc\n', 'f.yaml');
    assert.deepEqual(c, { url: 'http://10.0.0.5:8080', login: 'web-1', password: 'UEWB6abc' });
    assert.equal(parseMachineCredentials("# comment\nurl: 'https://lapi/'\nlogin: \"a\"\npassword: x\nca_cert_path: /c\n", 'f').url, 'https://lapi/');
  });
  test('a broken file is one line naming it, never quoting the password', () => {
    assert.throws(() => parseMachineCredentials('url: http://x\nlogin: a\n', 'm.yaml'), /m\.yaml: needs url, login and password/);
    assert.throws(() => parseMachineCredentials('url: ftp://x\nlogin: a\npassword: p', 'm'), /http/);
    assert.throws(() => parseMachineCredentials('url: http://x\nlogin: a b\npassword: p', 'm'), /machine name/);
    assert.throws(
      () => parseMachineCredentials('url: http://x\nlogin: a\npassword: s3cr et', 'm'),
      (e: Error) => /value not shown/.test(e.message) && !e.message.includes('s3cr'),
    );
  });
  test('a bouncer key given or read from a file', () => {
    assert.equal(parseBouncerKey('abc123', () => ''), 'abc123');
    assert.equal(parseBouncerKey('@/k', (p) => (p === '/k' ? 'fromfile\n' : '')), 'fromfile');
    const missing = (): string => {
      throw Object.assign(new Error('x'), { code: 'ENOENT' });
    };
    assert.throws(() => parseBouncerKey('@/missing', missing), /no such file/);
    assert.throws(() => parseBouncerKey('has space', () => ''), (e: Error) => !e.message.includes('has space'));
  });
});

describe('decisions from the stream', () => {
  const raw = (over: Record<string, unknown> = {}) => ({ duration: '3h59m58s', id: 7, origin: 'web-1', scenario: 'snoopy/port-scan', scope: 'Ip', type: 'ban', value: '203.0.113.9', ...over });
  test('bans of an address or a range, canonical', () => {
    assert.deepEqual(toFleetDecision(raw()), { id: 7, network: '203.0.113.9/32', remainingSeconds: 14_398, origin: 'web-1', scenario: 'snoopy/port-scan' });
    assert.equal(toFleetDecision(raw({ scope: 'Range', value: '2001:DB8::/32' }))?.network, '2001:db8::/32');
    assert.equal(toFleetDecision(raw({ value: '::ffff:10.0.0.1' }))?.network, '10.0.0.1/32');
  });
  test('attacker-influenced text is escaped; what is not ours to enforce is skipped', () => {
    assert.equal(toFleetDecision(raw({ scenario: 'x\u001b[31m\u202e' }))?.scenario, 'x\\e[31m\\u{202e}');
    for (const bad of [{ type: 'captcha' }, { scope: 'Country', value: 'FR' }, { value: '10.0.0.0/8' }, { scope: 'Range', value: '10.0.0.1' }, { value: 'not-an-ip' }, { id: -1 }, { id: '7' }, { duration: '1d' }]) {
      assert.equal(toFleetDecision(raw(bad)), null, JSON.stringify(bad));
    }
  });
});

describe('the decision book', () => {
  const d = (id: number, network: string, remainingSeconds = 100, origin = 'cscli'): FleetDecision => ({ id, network, remainingSeconds, origin, scenario: 's' });
  test('a network goes only with its last decision; repeated deletions change nothing', () => {
    const book = new DecisionBook();
    assert.deepEqual(book.apply([d(1, '10.0.0.1/32'), d(2, '10.0.0.1/32', 300, 'web-1')], [], true, 0), []);
    assert.equal(book.size, 2);
    assert.equal(book.get('10.0.0.1/32')?.origin, 'web-1', 'the longest decision names the origin');
    assert.deepEqual(book.apply([], [d(1, '10.0.0.1/32', -1)], false, 1000), []);
    assert.deepEqual(book.apply([], [d(1, '10.0.0.1/32', -1)], false, 2000), []);
    const gone = book.apply([], [d(2, '10.0.0.1/32', -1)], false, 3000);
    assert.deepEqual(gone.map((g) => g.network), ['10.0.0.1/32']);
    assert.deepEqual(book.apply([], [d(2, '10.0.0.1/32', -1)], false, 4000), [], 'deleted again: nothing more');
    assert.equal(book.size, 0);
  });
  test('a startup pull replaces the book; expired decisions are forgotten', () => {
    const book = new DecisionBook();
    book.apply([d(1, '10.0.0.1/32'), d(2, '10.0.0.2/32', 5)], [], true, 0);
    const gone = book.apply([d(2, '10.0.0.2/32', 5)], [], true, 1000);
    assert.deepEqual(gone.map((g) => g.network), ['10.0.0.1/32']);
    book.expire(10_000);
    assert.equal(book.size, 0);
  });
});
