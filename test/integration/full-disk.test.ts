/**
 * A full disk lost history silently: the history on a 1 MB tmpfs that is full.
 * Every alert is still printed; the failed writes are a warning on stderr, `history_write_errors`
 * in the stats line, and exit status 3. The tmpfs lives in a private mount namespace (unshare -m),
 * so nothing is left mounted whatever happens. Needs root.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CLI, FIXTURES } from '../support/run-cli.js';

const skip = process.getuid?.() !== 0 ? 'needs root (mount a tmpfs in a private mount namespace)' : false;
const dir = mkdtempSync(join(tmpdir(), 'snoopy-full-disk-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('history on a full disk', { skip }, () => {
  test('1 MB tmpfs, full: alerts printed, the failure warned on stderr, counted in the stats line, exit 3', () => {
    const script = `mount -t tmpfs -o size=1m none "$1" && dd if=/dev/zero of="$1/fill" bs=1k count=1010 2>/dev/null; shift; exec "$@"`;
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', dir, process.execPath, CLI, '--headless', '--replay', `${FIXTURES}http-attacks.pcap`, '--history', join(dir, 'history.json')], { encoding: 'utf8', timeout: 60_000 });
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const alerts = lines.filter((l) => l.event_type === 'alert').length;
    const stats = lines.filter((l) => l.event_type === 'stats').at(-1)!;
    console.log(`full disk: ${alerts} alerts printed, history_write_errors ${String(stats.history_write_errors)}, exit ${r.status}; stderr: ${r.stderr.trim()}`);
    assert.ok(alerts > 0);
    assert.match(r.stderr, /^snoopy-tui: warning: history write failed: .*ENOSPC: no space left on device.*; alerts and blocks may not all be kept$/m);
    assert.match(r.stderr, /^snoopy-tui: error: \d+ history write\(s\) failed during the run/m);
    assert.ok(Number(stats.history_write_errors) >= 1, JSON.stringify(stats));
    assert.equal(r.status, 3);
  });
});
