import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseCliArgs } from '../../../src/cli/args.js';
import { resolveRunConfig } from '../../../src/cli/resolve-config.js';
import { openAuthLog } from '../../../src/platform/logs/open-auth-log.js';
import { FileFollower } from '../../../src/platform/logs/file-follower.js';
import { JournalSource } from '../../../src/platform/logs/journal-source.js';

const dir = mkdtempSync(join(tmpdir(), 'snp-auth-cfg-'));
after(() => rmSync(dir, { recursive: true, force: true }));
function withConfig(json: unknown): string {
  const path = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(json));
  return path;
}

test('--auth-log and the profile thresholds (fail2ban default 5 in 10 min for balanced)', () => {
  const c = resolveRunConfig(parseCliArgs(['--auth-log', '/tmp/x.log']));
  assert.equal(c.authLog, '/tmp/x.log');
  assert.deepEqual(c.thresholds.authBruteForce, { failures: 5, windowSeconds: 600, mode: 'normal' });
  assert.equal(resolveRunConfig(parseCliArgs(['--profile', 'high-security'])).thresholds.authBruteForce.failures, 3);
  assert.equal(resolveRunConfig(parseCliArgs([])).authLog, null);
});

test('config keys authLog, suspiciousCommands, processMonitor, thresholds.authBruteForce / suspiciousProcess', () => {
  const c = resolveRunConfig(parseCliArgs(['-c', withConfig({ authLog: '/var/log/other.log', suspiciousCommands: ['\\bshred\\b'], processMonitor: false, thresholds: { authBruteForce: { failures: 8 }, suspiciousProcess: { cpuPercent: 50 } } })]));
  assert.equal(c.authLog, '/var/log/other.log');
  assert.deepEqual(c.suspiciousCommands, ['\\bshred\\b']);
  assert.equal(c.processMonitor, false);
  assert.deepEqual(c.thresholds.authBruteForce, { failures: 8, windowSeconds: 600, mode: 'normal' });
  assert.equal(c.thresholds.suspiciousProcess.cpuPercent, 50);
});

test('thresholds.authBruteForce.mode: normal by default in every profile, aggressive on request, nothing else', () => {
  for (const profile of ['high-security', 'balanced', 'development']) assert.equal(resolveRunConfig(parseCliArgs(['--profile', profile])).thresholds.authBruteForce.mode, 'normal');
  const c = resolveRunConfig(parseCliArgs(['-c', withConfig({ thresholds: { authBruteForce: { mode: 'aggressive' } } })]));
  assert.deepEqual(c.thresholds.authBruteForce, { failures: 5, windowSeconds: 600, mode: 'aggressive' });
  assert.throws(() => resolveRunConfig(parseCliArgs(['-c', withConfig({ thresholds: { authBruteForce: { mode: 'ddos' } } })])), /key 'thresholds.authBruteForce.mode' must be one of normal, aggressive/);
});

test('a bad suspiciousCommands pattern is one line naming the key and the pattern', () => {
  const path = withConfig({ suspiciousCommands: ['rm', '[oops'] });
  assert.throws(() => resolveRunConfig(parseCliArgs(['-c', path])), (e: Error) => {
    assert.match(e.message, /^config file .*: key 'suspiciousCommands': pattern 2 \("\[oops"\) is not a pattern the linear-time engine \(RE2\) accepts/);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
  assert.throws(() => resolveRunConfig(parseCliArgs(['-c', withConfig({ suspiciousCommands: 'rm' })])), /key 'suspiciousCommands' must be a list/);
  assert.throws(() => resolveRunConfig(parseCliArgs(['-c', withConfig({ thresholds: { authBruteForce: { failures: 0 } } })])), /thresholds.authBruteForce.failures' must be a positive integer/);
});

test('auth-log source choice: explicit file, journald, none; live defaults; replays none', () => {
  const warn = () => undefined;
  assert.ok(openAuthLog('/x.log', true, warn) instanceof FileFollower);
  assert.ok(openAuthLog('journald', true, warn) instanceof JournalSource);
  assert.equal(openAuthLog('none', true, warn), null);
  assert.equal(openAuthLog(null, false, warn, () => true), null, 'replays follow nothing unless told');
  assert.equal((openAuthLog(null, true, warn, (p) => p === '/var/log/secure') as FileFollower).path, '/var/log/secure');
  assert.equal((openAuthLog(null, true, warn, () => true) as FileFollower).path, '/var/log/auth.log');
  assert.ok(openAuthLog(null, true, warn, (p) => p === '/run/systemd/journal' || p === '/usr/bin/journalctl') instanceof JournalSource);
  assert.equal(openAuthLog(null, true, warn, () => false), null);
});
