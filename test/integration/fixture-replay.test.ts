import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { capinfosCount, FIXTURES, runCli } from '../support/run-cli.js';

interface ManifestEntry {
  file: string;
  format: 'pcap' | 'pcapng';
  expect: { port_scan: null | { attacker_ip: string; scan_type: string; scan_speed?: 'slow' }; alerts?: { attack_type: string; attacker_ip: string }[]; malformed?: number };
  /** Extra command-line arguments the replay needs (e.g. --home-net for exfiltration). */
  args?: string[];
  packets: number;
  description: string;
}

const manifest = JSON.parse(readFileSync(`${FIXTURES}manifest.json`, 'utf8')) as ManifestEntry[];

/**
 * One headless replay per fixture and argument list for the whole file: a replay is a pure
 * function of the capture and its arguments, and several tests below check different properties
 * of the same run, so each is spawned once and its output shared.
 */
const replays = new Map<string, ReturnType<typeof runCli>>();
function replay(file: string, args: readonly string[] = []): ReturnType<typeof runCli> {
  const argv = ['--replay', `${FIXTURES}${file}`, '--headless', ...args];
  const key = JSON.stringify(argv);
  let run = replays.get(key);
  if (run === undefined) {
    run = runCli(argv);
    replays.set(key, run);
  }
  return run;
}

const CONTRACT_FIELDS: [string, string][] = [
  ['event_type', 'string'],
  ['id', 'string'],
  ['timestamp', 'string'],
  ['attack_type', 'string'],
  ['severity', 'string'],
  ['attacker_ip', 'string'],
  ['protocol', 'string'],
  ['packet_count', 'number'],
  ['duration', 'number'],
  ['action', 'string'],
  ['attack_details', 'object'],
];

describe('replaying the recorded fixtures headless', () => {
  test('every alert_update belongs to an alert raised before it', () => {
    for (const entry of manifest) {
      const run = replay(entry.file, entry.args);
      const ids = new Set<string>();
      for (const l of run.lines) {
        if (l.event_type === 'alert') ids.add(l.id);
        if (l.event_type === 'alert_update') assert.ok(ids.has(l.id), `${entry.file}: update before its alert`);
      }
    }
  });

  test('the manifest covers scans of every basic type, benign traffic, floods, pcapng and cooked captures', () => {
    const types = new Set(manifest.map((m) => m.expect.port_scan?.scan_type).filter(Boolean));
    for (const t of ['SYN', 'CONNECT', 'FIN', 'NULL', 'XMAS', 'ACK', 'MAIMON', 'UDP', 'IP_PROTOCOL']) assert.ok(types.has(t), `no ${t} fixture`);
    assert.ok(manifest.some((m) => m.format === 'pcapng'));
    assert.ok(manifest.some((m) => m.expect.port_scan === null));
    // every fixture states its other alerts too ([] = none), and every attack type has one
    assert.ok(manifest.every((m) => Array.isArray(m.expect.alerts)), 'an entry without expect.alerts');
    const attacks = new Set(manifest.flatMap((m) => (m.expect.alerts ?? []).map((a) => a.attack_type)));
    for (const t of ['SSH_BRUTE_FORCE', 'FTP_BRUTE_FORCE', 'SYN_FLOOD', 'UDP_FLOOD', 'ICMP_FLOOD', 'DDOS', 'DATA_EXFILTRATION']) assert.ok(attacks.has(t), `no ${t} fixture`);
    const alertTypes = new Set(manifest.flatMap((m) => (m.expect.alerts ?? []).map((a) => a.attack_type)));
    for (const t of ['DISTRIBUTED_SCAN', 'HOST_SWEEP', 'OS_FINGERPRINT']) assert.ok(alertTypes.has(t), `no ${t} fixture`);
    assert.ok(manifest.some((m) => m.expect.port_scan?.scan_speed === 'slow'), 'no slow scan fixture');
  });

  // What the scan detectors beyond PORT_SCAN report on their recorded fixtures, from the last update.
  const last = (run: ReturnType<typeof runCli>, type: string) => {
    const lines = run.lines.filter((l) => (l.event_type === 'alert' || l.event_type === 'alert_update') && l.attack_type === type);
    assert.ok(lines.length > 0, `no ${type}`);
    assert.ok(lines.every((l) => l.id === lines[0]!.id), 'one alert, updated');
    return lines.at(-1)!;
  };

  test('nmap-distributed.pcap: six sources, 59 ports of 10.77.0.2, named after the busiest source', () => {
    const a = last(replay('nmap-distributed.pcap'), 'DISTRIBUTED_SCAN');
    assert.equal(a.attacker_ip, '10.77.0.11');
    assert.equal(a.target_ip, '10.77.0.2');
    assert.equal(a.attack_details.sources, 6);
    assert.equal(a.attack_details.ports_count, 59);
    assert.deepEqual([...a.attack_details.source_sample].sort(), ['10.77.0.11', '10.77.0.12', '10.77.0.13', '10.77.0.14', '10.77.0.15', '10.77.0.16']);
  });

  test('nmap-host-sweep.pcap: 32 hosts swept on port 22 (and by ICMP echo)', () => {
    const a = last(replay('nmap-host-sweep.pcap'), 'HOST_SWEEP');
    assert.equal(a.attack_details.hosts_count, 32);
    assert.equal(a.target_port, 22);
  });

  test('nmap-os.pcap: every kind of nmap -O probe is seen', () => {
    const a = last(replay('nmap-os.pcap'), 'OS_FINGERPRINT');
    assert.equal(a.target_ip, '10.77.0.2');
    assert.deepEqual(a.attack_details.probe_kinds, ['SEQ', 'ECN', 'T2', 'T3', 'T5', 'T7', 'IE', 'U1']);
  });

  test('nmap-slow.pcap: the 20-minute scan is slow, its 20-second original fast, the same 40 ports', () => {
    const slow = last(replay('nmap-slow.pcap'), 'PORT_SCAN');
    const fast = last(replay('nmap-scan-delay.pcap'), 'PORT_SCAN');
    assert.equal(slow.attack_details.ports_count, 40);
    assert.ok(slow.duration > 1000, String(slow.duration));
    assert.equal(fast.attack_details.scan_speed, undefined);
  });

  for (const entry of manifest) {
    test(`${entry.file}: ${entry.expect.port_scan ? `one ${entry.expect.port_scan.scan_type} PORT_SCAN from ${entry.expect.port_scan.attacker_ip}` : 'no alert'}; stats count = capinfos`, () => {
      const path = `${FIXTURES}${entry.file}`;
      const run = replay(entry.file, entry.args);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stderr, '');
      const alerts = run.lines.filter((l) => l.event_type === 'alert');
      const expected = entry.expect.port_scan;
      // Every alert is expected, and every expected alert is there: no more, no fewer.
      const wanted = [...(expected ? [{ attack_type: 'PORT_SCAN', attacker_ip: expected.attacker_ip }] : []), ...(entry.expect.alerts ?? [])];
      // attacker_ip "*": any address (a DDOS names the top spoofed source, which is random).
      const anyAttacker = new Set(wanted.filter((w) => w.attacker_ip === '*').map((w) => w.attack_type));
      const key = (a: Record<string, unknown>) => `${a.attack_type} ${anyAttacker.has(a.attack_type as string) ? '*' : String(a.attacker_ip)}`;
      assert.deepEqual(alerts.map(key).sort(), wanted.map(key).sort(), JSON.stringify(alerts.map(key)));
      if (expected !== null) {
        const scans = alerts.filter((a) => a.attack_type === 'PORT_SCAN');
        assert.equal(scans.length, 1, JSON.stringify(alerts));
        const alert = scans[0]!;
        assert.equal(alert.attacker_ip, expected.attacker_ip);
        assert.equal(alert.attack_details.scan_type, expected.scan_type);
        assert.equal(alert.attack_details.scan_speed, expected.scan_speed, 'scan_speed');
        for (const [field, type] of CONTRACT_FIELDS) assert.equal(typeof alert[field], type, `field ${field}`);
        for (const field of ['target_ip', 'target_port', 'reverse_dns', 'country', 'process']) assert.ok(field in alert, `field ${field}`);
        assert.ok(!Number.isNaN(Date.parse(alert.timestamp)));
        assert.ok(!Number.isNaN(Date.parse(alert.attack_details.first_seen)));
        // The updates carry the same id: one alert, updated, never repeated.
        const updates = run.lines.filter((l) => l.event_type === 'alert_update' && l.attack_type === 'PORT_SCAN');
        assert.ok(updates.every((u) => u.id === alert.id));
        const last = updates.at(-1) ?? alert;
        assert.equal(last.attack_details.scan_type, expected.scan_type);
        assert.ok(last.attack_details.ports_count >= alert.attack_details.ports_count);
      }
      const stats = run.lines.at(-1)!;
      assert.equal(stats.event_type, 'stats');
      const counted = capinfosCount(path) ?? entry.packets;
      assert.equal(stats.packets, counted);
      assert.equal(stats.alerts, alerts.length);
      assert.equal(stats.malformed, entry.expect.malformed ?? 0, JSON.stringify(stats.malformed_by_reason));
    });
  }
});
