import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServiceControl, isUnitName } from '../../../src/platform/service-control.js';
import { ServiceGuard } from '../../../src/response/service-guard.js';
import type { ResponseEvent, ServiceEvent } from '../../../src/model/response-event.js';
import { parseConfigText } from '../../../src/config/config-file.js';
import type { CommandRunner } from '../../../src/platform/exec/run-command.js';

function recordingRunner(fail = false): { run: CommandRunner; calls: string[][] } {
  const calls: string[][] = [];
  const run: CommandRunner = async (argv) => {
    calls.push([...argv]);
    if (fail) throw new Error('unit not found');
    return { exitCode: 0, stdout: '', stderr: '' };
  };
  return { run, calls };
}

const flush = () => new Promise((r) => setImmediate(r));

function block(alertId: string, attackType = 'SSH_BRUTE_FORCE'): ResponseEvent {
  return { event_type: 'block', timestamp: '', address: '203.0.113.5', network: '203.0.113.5/32', port: null, duration: 300, expires_at: '', action: 'blocked', reason: '', detail: null, alert_id: alertId, attack_type: attackType, offense: 1, firewall: 'nftables' };
}
function stopped(alertId: string): ResponseEvent {
  return { event_type: 'attack_stopped', timestamp: '', attacker_ip: '203.0.113.5', attack_type: 'SSH_BRUTE_FORCE', alert_id: alertId, duration: 10, action: 'blocked' };
}

test('systemctl argv: absolute path, -- before the unit, and only unit names', async () => {
  const { run, calls } = recordingRunner();
  const control = new ServiceControl(run);
  await control.stop('ssh.service');
  await control.start('vsftpd');
  assert.deepEqual(calls, [
    ['/usr/bin/systemctl', 'stop', '--', 'ssh.service'],
    ['/usr/bin/systemctl', 'start', '--', 'vsftpd'],
  ]);
  for (const bad of ['--now', 'a b', '../etc/passwd', '', 'x;reboot']) assert.equal(isUnitName(bad), false, bad);
  await assert.rejects(control.stop('--force'), RangeError);
});

test('the unit stops at the first blocked attack of its type and starts when the last one stopped', async () => {
  const { run, calls } = recordingRunner();
  const events: ServiceEvent[] = [];
  const guard = new ServiceGuard({ SSH_BRUTE_FORCE: 'ssh' }, new ServiceControl(run), (e) => events.push(e));
  guard.onResponseEvent(block('a1'));
  guard.onResponseEvent(block('a2'));
  guard.onResponseEvent(block('a3', 'PORT_SCAN'));
  await flush();
  assert.deepEqual(calls, [['/usr/bin/systemctl', 'stop', '--', 'ssh']]);
  guard.onResponseEvent(stopped('a1'));
  await flush();
  assert.equal(calls.length, 1, 'a2 still holds it');
  guard.onResponseEvent(stopped('a2'));
  await flush();
  assert.deepEqual(calls.at(-1), ['/usr/bin/systemctl', 'start', '--', 'ssh']);
  assert.deepEqual(events.map((e) => e.action), ['stopped', 'started']);
});

test('a failing systemctl is a stop_failed event, not an exception', async () => {
  const { run } = recordingRunner(true);
  const events: ServiceEvent[] = [];
  const guard = new ServiceGuard({ SSH_BRUTE_FORCE: 'ssh' }, new ServiceControl(run), (e) => events.push(e));
  guard.onResponseEvent(block('a1'));
  await flush();
  await flush();
  assert.equal(events[0]?.action, 'stop_failed');
  assert.match(events[0]!.detail!, /unit not found/);
});

test('config stopServices: attack types and unit names are checked, one line each', () => {
  assert.deepEqual(parseConfigText('{"stopServices": {"SSH_BRUTE_FORCE": "ssh"}}', 'c.json').stopServices, { SSH_BRUTE_FORCE: 'ssh' });
  assert.throws(() => parseConfigText('{"stopServices": {"SSH": "ssh"}}', 'c.json'), /stopServices\.SSH': unknown attack type/);
  assert.throws(() => parseConfigText('{"stopServices": {"SSH_BRUTE_FORCE": "--now"}}', 'c.json'), /must be a systemd unit name/);
});
