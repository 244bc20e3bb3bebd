import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FIXTURES, runCli } from '../support/run-cli.js';

describe('config key suspiciousPorts reaches the detector', () => {
  test('benign-ssh.pcap: no alert by default; with port 22 configured as medium risk, one SUSPICIOUS_PORT updated per session', () => {
    const fixture = `${FIXTURES}benign-ssh.pcap`;
    assert.deepEqual(runCli(['--replay', fixture, '--headless']).lines.filter((l) => l.event_type === 'alert'), []);
    const config = join(mkdtempSync(join(tmpdir(), 'snoopy-ports-')), 'ports.json');
    writeFileSync(config, JSON.stringify({ suspiciousPorts: { '22': { service: 'SSH', risk: 'medium' } } }));
    const run = runCli(['--replay', fixture, '--headless', '-c', config]);
    assert.equal(run.status, 0, run.stderr);
    const alerts = run.lines.filter((l) => l.event_type === 'alert');
    assert.equal(alerts.length, 1, JSON.stringify(alerts));
    const a = alerts[0]!;
    assert.equal(a.attack_type, 'SUSPICIOUS_PORT');
    assert.equal(a.severity, 'medium');
    assert.equal(a.attacker_ip, '10.77.0.1');
    assert.equal(a.target_port, 22);
    assert.equal(a.attack_details.service, 'SSH');
    const last = run.lines.filter((l) => l.id === a.id).at(-1)!;
    assert.equal(last.attack_details.connections, 3, 'the three ssh sessions');
  });
});
