import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { defaultRunConfig } from '../../src/config/run-config.js';
import { EngineClient } from '../../src/ui/engine-client.js';
import { FIXTURES, runCli } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'snoopy-history-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('history file and daily logs', () => {
  test('a headless replay with --history and --log-dir keeps the final alert and a daily attack log line', () => {
    const history = join(dir, 'h1.json');
    const logs = join(dir, 'logs');
    const run = runCli(['--replay', `${FIXTURES}nmap-syn.pcap`, '--headless', '--history', history, '--log-dir', logs]);
    assert.equal(run.status, 0, run.stderr);
    const last = run.lines.filter((l) => l.id !== undefined).at(-1)!;
    const file = JSON.parse(readFileSync(history, 'utf8')) as { version: number; entries: { kind: string; alert?: Record<string, any> }[] };
    assert.equal(file.version, 1);
    const alerts = file.entries.filter((e) => e.kind === 'alert');
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.alert!.id, last.id);
    assert.equal(alerts[0]!.alert!.attack_details.ports_count, last.attack_details.ports_count, 'the stored alert is the final version');
    const day = last.timestamp.slice(0, 10);
    const logFiles = readdirSync(logs);
    assert.ok(logFiles.includes(`attacks_${day}.json`), logFiles.join(','));
    const lines = readFileSync(join(logs, `attacks_${day}.json`), 'utf8').trim().split('\n');
    assert.equal(lines.length, 1);
    assert.equal(JSON.parse(lines[0]!).attack_type, 'PORT_SCAN');
  });

  test('a replay without --history writes no history file', () => {
    const run = runCli(['--replay', `${FIXTURES}nmap-syn.pcap`, '--headless', '--log-dir', join(dir, 'unused-logs')]);
    assert.equal(run.status, 0);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('history')), []);
  });

  test('a second instance on a locked history file warns and keeps detecting', async () => {
    const history = join(dir, 'locked.json');
    const client = new EngineClient();
    const started = new Promise<void>((resolve) => client.onMessage((m) => m.type === 'started' && resolve()));
    client.start({ ...defaultRunConfig(), replayFile: `${FIXTURES}benign-http.pcap`, speed: 0.01, historyFile: history });
    await started;
    try {
      const run = runCli(['--replay', `${FIXTURES}nmap-syn.pcap`, '--headless', '--history', history]);
      assert.equal(run.status, 0);
      assert.match(run.stderr, /^snoopy-tui: .*(lock|pid).*running without a history file\n$/);
      assert.equal(run.lines.filter((l) => l.event_type === 'alert').length, 1);
    } finally {
      await client.stop();
    }
  });

  test('blocks made through the engine are recorded and the history command returns them', async () => {
    const history = join(dir, 'blocks.json');
    const client = new EngineClient();
    const ended = new Promise<void>((resolve) => client.onMessage((m) => m.type === 'ended' && resolve()));
    client.start({ ...defaultRunConfig(), replayFile: `${FIXTURES}nmap-syn.pcap`, speed: 'max', historyFile: history });
    await ended;
    await client.command({ name: 'block', address: '10.77.0.1', durationSeconds: 300, reason: 'PORT_SCAN' });
    await client.command({ name: 'unblock', address: '10.77.0.1' });
    const reply = (await client.command({ name: 'history', limit: 10 })) as { available: boolean; entries: { kind: string; address?: string }[] };
    await client.stop();
    assert.equal(reply.available, true);
    assert.deepEqual(reply.entries.map((e) => e.kind), ['alert', 'block', 'unblock']);
    const file = JSON.parse(readFileSync(history, 'utf8')) as { entries: { kind: string; action?: string }[] };
    assert.equal(file.entries.find((e) => e.kind === 'block')!.action, 'dry_run');
  });
});
