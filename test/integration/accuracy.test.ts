import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkAllFixtures, formatAccuracyTable, judgeFixture, type ManifestEntry } from '../support/fixture-accuracy.js';

/** Minimal manifest entry for the judging tests. */
function entry(expect: ManifestEntry['expect']): ManifestEntry {
  return { file: 'x.pcap', format: 'pcap', expect, packets: 0, description: '' };
}
const alert = (attack_type: string, attacker_ip: string, scan_type?: string) => ({
  event_type: 'alert',
  attack_type,
  attacker_ip,
  attack_details: scan_type ? { scan_type } : {},
});

describe('judging a replay against the manifest', () => {
  test('a missing alert is a MISS, an unexpected one FALSE, a wrong attacker both', () => {
    const r = judgeFixture(entry({ port_scan: null, alerts: [{ attack_type: 'UDP_FLOOD', attacker_ip: '10.0.0.1' }] }), [alert('UDP_FLOOD', '10.0.0.9')]);
    assert.deepEqual(
      r.rows.map((x) => x.verdict),
      ['MISS', 'FALSE'],
    );
    assert.equal(r.ok, false);
  });

  test('a port scan must have its scan type; "*" accepts any attacker; repeats are counted', () => {
    const e = entry({ port_scan: { attacker_ip: '10.0.0.1', scan_type: 'SYN' }, alerts: [{ attack_type: 'DDOS', attacker_ip: '*' }] });
    assert.equal(judgeFixture(e, [alert('PORT_SCAN', '10.0.0.1', 'FIN'), alert('DDOS', '1.2.3.4')]).ok, false);
    const r = judgeFixture(e, [alert('PORT_SCAN', '10.0.0.1', 'SYN'), alert('DDOS', '1.2.3.4'), alert('DDOS', '1.2.3.4'), { event_type: 'alert_update', attack_type: 'DDOS', attacker_ip: '5.6.7.8' }]);
    assert.equal(r.ok, true);
    assert.equal(r.fired.find((f) => f.attack_type === 'DDOS')!.count, 2);
  });

  test('a benign fixture with any alert fails', () => {
    const r = judgeFixture(entry({ port_scan: null, alerts: [] }), [alert('SSH_BRUTE_FORCE', '10.0.0.1')]);
    assert.equal(r.benign, true);
    assert.deepEqual(
      r.rows.map((x) => x.verdict),
      ['FALSE'],
    );
  });
});

describe('detection accuracy on the recorded fixtures (npm run accuracy)', () => {
  test('every expected alert fires with the right type and attacker; no false alert, none on benign traffic', () => {
    const report = checkAllFixtures();
    const table = formatAccuracyTable(report);
    const s = report.summary;
    assert.ok(s.expected > 0 && s.benign_fixtures > 0, table);
    assert.equal(s.errors, 0, table);
    assert.equal(s.missed, 0, table);
    assert.equal(s.false_on_benign, 0, table);
    assert.equal(s.false_on_attacks, 0, table);
    assert.ok(s.ok, table);
  });
});
