import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ATTACK_TYPES, type Alert } from '../../../src/model/alert.js';
import { eveAlert, eveTimestamp } from '../../../src/sinks/eve/eve-record.js';
import { ReopeningFile } from '../../../src/sinks/eve/reopening-file.js';
import { SIGNATURE_IDS } from '../../../src/sinks/eve/signature-ids.js';
import { waitFor } from '../../support/wait-for.js';

function alert(over: Partial<Alert> = {}): Alert {
  return {
    event_type: 'alert',
    id: 'a1',
    timestamp: '2026-11-21T22:15:03.123Z',
    attack_type: 'SQL_INJECTION',
    severity: 'high',
    attacker_ip: '203.0.113.45',
    target_ip: '198.51.100.7',
    target_port: 80,
    protocol: 'tcp',
    packet_count: 3,
    duration: 1.5,
    reverse_dns: 'evil\u202etxt.example',
    country: 'US',
    process: null,
    action: 'blocked',
    attack_details: { service: 'HTTP', first_seen: '2026-11-21T22:15:01.000Z', interface: 'eth0', platform_info: 'Linux', sample: 'GET /?q=\u001b[2J HTTP/1.1' },
    ...over,
  };
}

describe('EVE records', () => {
  test("Suricata's fields, blocked → action blocked, ours under snoopy, attacker text escaped", () => {
    const e = eveAlert(alert()) as Record<string, any>;
    assert.equal(e.timestamp, '2026-11-21T22:15:03.123000+0000');
    assert.equal(e.event_type, 'alert');
    assert.deepEqual([e.src_ip, e.src_port, e.dest_ip, e.dest_port, e.proto, e.app_proto, e.in_iface], ['203.0.113.45', 0, '198.51.100.7', 80, 'TCP', 'http', 'eth0']);
    assert.deepEqual(e.alert, { action: 'blocked', gid: 1, signature_id: 1_770_018, rev: 1, signature: 'SNOOPY SQL INJECTION', category: 'Web Application Attack', severity: 1 });
    assert.ok(Number.isSafeInteger(e.flow_id) && e.flow_id > 0);
    assert.equal(e.snoopy.reverse_dns, 'evil\\u{202e}txt.example');
    assert.equal(e.snoopy.attack_details.sample, 'GET /?q=\\e[2J HTTP/1.1');
    const logged = eveAlert(alert({ action: 'prompted', severity: 'low', target_ip: null, target_port: null, protocol: null, attack_details: { service: null, first_seen: '', interface: '/x/y/capture.pcap', platform_info: '' } })) as Record<string, any>;
    assert.deepEqual([logged.alert.action, logged.alert.severity, logged.dest_ip, logged.dest_port, logged.proto, logged.app_proto, logged.in_iface], ['allowed', 3, '0.0.0.0', 0, 'IP', 'failed', 'capture.pcap']);
  });
  test('a signature id per attack type, all distinct, in the local range', () => {
    const ids = ATTACK_TYPES.map((t) => SIGNATURE_IDS[t]);
    assert.equal(new Set(ids).size, ATTACK_TYPES.length);
    assert.ok(ids.every((id) => id >= 1_000_000 && id < 2_000_000));
  });
  test('timestamps with microseconds and a colon-free offset', () => {
    assert.match(eveTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), /^2026-01-02T03:04:05\.006000\+0000$/);
  });
});

describe('the rotating file', () => {
  test('moved away: a new file at the path takes the next lines; SIGHUP reopens too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snoopy-eve-rot-'));
    const path = join(dir, 'eve.json');
    const warnings: string[] = [];
    const f = new ReopeningFile(path, (l) => warnings.push(l));
    try {
      f.write('one\n');
      await waitFor(() => readFileSync(path, 'utf8') === 'one\n', { message: 'the first line' });
      renameSync(path, `${path}.1`);
      await waitFor(
        () => {
          f.write('probe\n');
          try {
            return readFileSync(path, 'utf8').includes('probe');
          } catch {
            return false;
          }
        },
        { timeoutMs: 5000, intervalMs: 100, message: 'a new file at the path after the move' },
      );
      assert.match(readFileSync(`${path}.1`, 'utf8'), /^one\n/);
      renameSync(path, `${path}.2`);
      process.emit('SIGHUP', 'SIGHUP');
      f.write('after-hup\n');
      await waitFor(() => {
        try {
          return readFileSync(path, 'utf8') === 'after-hup\n';
        } catch {
          return false;
        }
      }, { message: 'SIGHUP reopening at once' });
      assert.deepEqual(warnings, []);
    } finally {
      await f.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
