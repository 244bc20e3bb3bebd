/**
 * The recorded stream fixtures through the built binary: the alert names the part that matched
 * and quotes it, the stats line counts what the stream layer did.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FIXTURES, runCli } from '../support/run-cli.js';

function replay(file: string, extra: string[] = []) {
  const r = runCli(['--replay', `${FIXTURES}${file}`, '--headless', ...extra], { timeoutMs: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const stats = r.lines.filter((l) => l.event_type === 'stats').at(-1)!;
  const alerts = r.lines.filter((l) => l.event_type === 'alert');
  const latest = new Map<string, Record<string, any>>();
  for (const l of r.lines) if (l.event_type === 'alert' || l.event_type === 'alert_update') latest.set(l.id as string, l);
  return { stats, alerts, latest: [...latest.values()] };
}

describe('stream fixtures through the CLI', () => {
  test('http-pipelined.pcap: five requests counted, each attack named by its part', () => {
    const { stats, latest } = replay('http-pipelined.pcap');
    assert.equal(stats.streams.requests, 5);
    assert.equal(stats.streams.responses, 5);
    assert.equal(stats.streams.held_bytes, 0);
    const part = Object.fromEntries(latest.map((a) => [a.attack_type, a.attack_details.matched_part]));
    assert.deepEqual(part, { SQL_INJECTION: 'request target', XSS: 'header Referer', COMMAND_INJECTION: 'body' });
  });

  test('http-split.pcap: requests cut over segments are whole again', () => {
    const { stats, latest } = replay('http-split.pcap');
    assert.equal(stats.streams.requests, 3);
    const log4 = latest.find((a) => a.attack_type === 'LOG4SHELL')!;
    assert.equal(log4.attack_details.matched_part, 'header X-Forwarded-For');
    assert.match(log4.attack_details.matched_text, /\$\{jndi:/);
  });

  test('benign-keepalive.pcap: 40+ requests per connection, no alert', () => {
    const { stats, alerts } = replay('benign-keepalive.pcap');
    assert.ok(stats.streams.requests >= 80, `${stats.streams.requests} requests`);
    assert.deepEqual(alerts, []);
  });

  test('hydra-ftp-keepopen.pcap: 200 refused logins over 4 connections read from the 530 replies', () => {
    const { stats, latest } = replay('hydra-ftp-keepopen.pcap');
    assert.ok(stats.streams.login_replies >= 200, `${stats.streams.login_replies} login replies`);
    const ftp = latest.find((a) => a.attack_type === 'FTP_BRUTE_FORCE')!;
    assert.ok(ftp.packet_count >= 190, `${ftp.packet_count} attempts`);
  });

  test('http-post-form.pcap: bodies found, and not past the configured body size', () => {
    const full = replay('http-post-form.pcap');
    assert.ok(full.latest.filter((a) => a.attack_details.matched_part === 'body').length >= 5);
    const file = join(mkdtempSync(join(tmpdir(), 'snoopy-streams-')), 'c.json');
    writeFileSync(file, JSON.stringify({ streams: { maxBodyBytes: 4 } }));
    const cut = replay('http-post-form.pcap', ['-c', file]);
    assert.deepEqual(cut.latest.filter((a) => a.attack_details.matched_part === 'body'), []);
  });
});
