/**
 * SIGHUP in headless mode re-reads -c FILE: a bad file is one warning and changes nothing; a
 * good one changes the thresholds of the running detectors. The replay runs slowly (a 0.08 s
 * nmap scan stretched to ~4 s) so the signals arrive while it is going on.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CLI, FIXTURES, hasCommand, runCli } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'snp-ntf-hup-'));
const config = join(dir, 'config.json');
const scanOnly = join(dir, 'scan.pcap');

describe('SIGHUP reloads the config in headless mode', { skip: hasCommand('editcap') ? false : 'needs editcap (wireshark-common)' }, () => {
  test('bad file: one warning, old thresholds stay; good file: new port-scan threshold takes effect', async () => {
    // Only the scan itself (the fixture's first second is idle IPv6 chatter).
    assert.equal(spawnSync('editcap', ['-A', '2026-11-21 22:44:21.32', `${FIXTURES}nmap-syn.pcap`, scanOnly]).status, 0);
    writeFileSync(config, JSON.stringify({ thresholds: { portScan: { ports: 5000 } } }));

    // Control: with 5000 ports the 1000-port scan raises no port-scan alert.
    const control = runCli(['-c', config, '--headless', '--replay', scanOnly]);
    assert.equal(control.status, 0, control.stderr);
    assert.equal(control.lines.filter((l) => l['attack_type'] === 'PORT_SCAN').length, 0);

    const child = spawn(process.execPath, [CLI, '-c', config, '--headless', '--replay', scanOnly, '--speed', '0.02', '--debug'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const waitFor = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} in stderr: ${stderr}`)), 20_000);
        const check = () => {
          if (re.test(stderr)) {
            clearTimeout(timer);
            child.stderr.off('data', onData);
            resolve();
          }
        };
        const onData = (d: Buffer) => {
          stderr += d.toString();
          check();
        };
        child.stderr.on('data', onData);
        check();
      });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));

    await waitFor(/reading file/);
    writeFileSync(config, '{"thresholds": {"portScan": {"ports": "many"}}}');
    child.kill('SIGHUP');
    await waitFor(/config not reloaded/);
    const warnings = stderr.split('\n').filter((l) => l.includes('SIGHUP'));
    assert.equal(warnings.length, 1, stderr);
    assert.match(warnings[0]!, /^snoopy-tui: warning: SIGHUP: config not reloaded, keeping the running one: config file .*: key 'thresholds\.portScan\.ports' must be an integer from 2 to 65536/);
    assert.ok(!stdout.includes('PORT_SCAN'), 'still the old threshold');

    writeFileSync(config, JSON.stringify({ thresholds: { portScan: { ports: 15 } } }));
    child.kill('SIGHUP');
    await waitFor(/reloaded .*: port scan 15 ports/);
    const status = await closed;
    assert.equal(status, 0, stderr);
    const alerts = stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, any>)
      .filter((l) => l['event_type'] === 'alert' && l['attack_type'] === 'PORT_SCAN');
    assert.equal(alerts.length, 1, 'the reloaded threshold raised the scan alert the old one never did');
    assert.ok(alerts[0]!['attack_details'].ports_count >= 15);
  });
});
