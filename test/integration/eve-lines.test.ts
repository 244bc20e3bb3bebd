/**
 * `--eve FILE` over real captures: every line carries Suricata's fields with the types
 * Filebeat's Suricata module expects (checked by test/support/check-eve.py, which follows the
 * module's own rules), one alert line per alert and a stats line, and the JSON lines on stdout
 * are exactly what they are without --eve.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { FIXTURES, REPO_ROOT, runCli } from '../support/run-cli.js';

const CAPTURES = ['nmap-syn.pcap', 'http-attacks.pcap', 'hydra-ssh.pcap'];
const tmp = mkdtempSync(join(tmpdir(), 'snoopy-eve-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** stdout lines without what differs between two runs (ids, wall-clock figures). */
function stable(lines: Record<string, unknown>[]): unknown[] {
  return lines.map((l) => (l.event_type === 'stats' ? { event_type: 'stats', packets: l.packets, alerts: l.alerts } : { ...l, id: undefined }));
}

describe('EVE lines for Filebeat / Elastic', () => {
  test("every line of a replay's EVE file passes the Filebeat Suricata module's expectations", () => {
    const seen = new Set<string>();
    for (const capture of CAPTURES) {
      const eve = join(tmp, `${capture}.eve.json`);
      const withEve = runCli(['--headless', '--replay', `${FIXTURES}${capture}`, '--eve', eve]);
      assert.equal(withEve.status, 0, withEve.stderr);
      const check = spawnSync('python3', [join(REPO_ROOT, 'test/support/check-eve.py'), eve], { encoding: 'utf8' });
      assert.equal(check.status, 0, `${capture}: ${check.stderr}`);
      const summary = JSON.parse(check.stdout) as { alerts: number; stats: number; signature_ids: Record<string, number> };
      const alerts = withEve.lines.filter((l) => l.event_type === 'alert');
      assert.equal(summary.alerts, alerts.length, `${capture}: one EVE alert line per alert`);
      assert.equal(summary.stats, 1, `${capture}: the replay's stats line`);
      for (const type of Object.keys(summary.signature_ids)) seen.add(type);
      const first = JSON.parse(readFileSync(eve, 'utf8').split('\n')[0]!) as { src_ip: string; snoopy: { id: string } };
      assert.equal(first.snoopy.id, alerts[0]!.id, 'our alert id under snoopy');
      assert.equal(first.src_ip, alerts[0]!.attacker_ip);

      if (capture !== 'http-attacks.pcap') continue;
      const without = runCli(['--headless', '--replay', `${FIXTURES}${capture}`]);
      assert.deepEqual(stable(withEve.lines), stable(without.lines), `${capture}: the JSON lines stay as they are`);
    }
    assert.ok(seen.size >= 4, `several attack types checked: ${[...seen].join(', ')}`);
  });
});
