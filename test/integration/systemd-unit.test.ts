/**
 * The shipped unit installs through scripts/install-service.sh (files only: NO_SYSTEMCTL=1, into
 * a temporary directory) and passes `systemd-analyze verify`, which parses every directive and
 * checks the ExecStart binary. Skipped where systemd-analyze is not installed (apt-get install systemd).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { hasCommand, REPO_ROOT } from '../support/run-cli.js';

describe('systemd unit', { skip: hasCommand('systemd-analyze') ? false : 'needs systemd-analyze (apt-get install systemd)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'snp-ntf-unit-'));
  const binary = join(dir, 'snoopy-tui');
  writeFileSync(binary, `#!/bin/sh\nexec "${process.execPath}" "${REPO_ROOT}dist/cli.js" "$@"\n`);
  chmodSync(binary, 0o755);
  const env = { ...process.env, UNIT_DIR: join(dir, 'units'), CONFIG_DIR: join(dir, 'etc'), NO_SYSTEMCTL: '1' };
  const unit = join(dir, 'units', 'snoopy-tui.service');

  test('install-service.sh says what it did and the installed unit passes systemd-analyze verify', () => {
    const r = spawnSync(`${REPO_ROOT}scripts/install-service.sh`, [binary], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /Unknown key|Unknown section|Failed|Invalid|not executable/, 'verify printed no warnings');
    assert.match(r.stdout, /created .*etc\/config\.json \(mode 0600\)/);
    assert.match(r.stdout, /wrote .*snoopy-tui\.service \(ExecStart=.*snoopy-tui --headless -c .*config\.json\)/);
    assert.match(r.stdout, /systemd-analyze verify: ok/);
    assert.equal(statSync(join(dir, 'etc', 'config.json')).mode & 0o777, 0o600);
    const text = readFileSync(unit, 'utf8');
    for (const line of ['ExecReload=/bin/kill -HUP $MAINPID', 'Restart=on-failure', 'AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN', 'ProtectSystem=strict', 'ReadWritePaths=/var/lib/snoopy-tui /var/log/snoopy-tui', 'ProtectHome=yes', 'NoNewPrivileges=yes']) {
      assert.ok(text.split('\n').includes(line), line);
    }
    assert.match(text, /^CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN CAP_DAC_READ_SEARCH CAP_SYS_PTRACE$/m);
    // A second run keeps the config.
    const again = spawnSync(`${REPO_ROOT}scripts/install-service.sh`, [binary], { env, encoding: 'utf8' });
    assert.match(again.stdout, /kept existing/);
  });

  test('verify is a real check: a misspelt directive or a missing binary is reported', () => {
    const broken = join(dir, 'broken.service');
    writeFileSync(broken, readFileSync(unit, 'utf8').replace('ProtectHome=yes', 'ProtectHomme=yes'));
    const r = spawnSync('systemd-analyze', ['verify', broken], { encoding: 'utf8' });
    assert.match(r.stderr, /Unknown key 'ProtectHomme'/);
    const missing = join(dir, 'missing.service');
    writeFileSync(missing, readFileSync(unit, 'utf8').replace(binary, '/nonexistent/snoopy-tui'));
    const m = spawnSync('systemd-analyze', ['verify', missing], { encoding: 'utf8' });
    assert.notEqual(m.status, 0);
    assert.match(m.stderr, /is not executable/);
  });
});
