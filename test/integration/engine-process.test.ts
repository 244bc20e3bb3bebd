import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultRunConfig } from '../../src/config/run-config.js';
import type { EngineToUi, Snapshot } from '../../src/engine/protocol.js';
import { EngineClient } from '../../src/ui/engine-client.js';
import { capinfosCount, FIXTURES } from '../support/run-cli.js';
import { withTimeout } from '../support/wait-for.js';
import { historyEntries, writeHistoryFile } from '../support/history-fixture.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function collect(client: EngineClient, until: (m: EngineToUi) => boolean, timeoutMs = 20_000): Promise<EngineToUi[]> {
  const seen: EngineToUi[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out; saw ${seen.map((m) => m.type).join(',')}`)), timeoutMs);
    client.onMessage((m) => {
      seen.push(m);
      if (until(m)) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
  });
}

describe('engine process (forked, typed protocol)', () => {
  test('a replay streams snapshots with the alert, then ends with the full packet count and stays up', async () => {
    const client = new EngineClient();
    const file = `${FIXTURES}nmap-syn.pcap`;
    const config = { ...defaultRunConfig(), replayFile: file, speed: 'max' as const };
    const done = collect(client, (m) => m.type === 'ended');
    client.start(config);
    const messages = await done;
    assert.equal(messages[0]!.type, 'started');
    const snapshots = messages.filter((m): m is Extract<EngineToUi, { type: 'snapshot' }> => m.type === 'snapshot').map((m) => m.snapshot as Snapshot);
    assert.ok(snapshots.length >= 1);
    const seqs = snapshots.map((s) => s.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
    const alerts = snapshots.flatMap((s) => s.newAlerts);
    assert.ok(alerts.some((a) => a.attack_type === 'PORT_SCAN' && a.attacker_ip === '10.77.0.1'));
    const last = snapshots.at(-1)!;
    assert.ok(last.flows.length > 0);
    assert.ok(snapshots.some((s) => s.newPackets.length > 0));
    const ended = messages.at(-1) as Extract<EngineToUi, { type: 'ended' }>;
    assert.equal(ended.reason, 'eof');
    assert.equal(ended.stats.packets, capinfosCount(file) ?? 2012);
    // Still answering after the end of the file: a replay stays browsable.
    const status = (await client.command({ name: 'status' })) as { packets: number };
    assert.equal(status.packets, ended.stats.packets);
    await client.stop();
  });

  test('a capture file that cannot be opened is one fatal line', async () => {
    const client = new EngineClient();
    const done = collect(client, (m) => m.type === 'fatal');
    client.start({ ...defaultRunConfig(), replayFile: '/nonexistent/capture.pcap' });
    const messages = await done;
    const fatal = messages.at(-1) as Extract<EngineToUi, { type: 'fatal' }>;
    assert.match(fatal.message, /capture\.pcap/);
    assert.ok(!fatal.message.includes('\n'));
    await client.stop();
  });

  test('the engine process exits by itself, status 0, when the UI stops it', async () => {
    const client = new EngineClient();
    const started = collect(client, (m) => m.type === 'started');
    client.start({ ...defaultRunConfig(), replayFile: `${FIXTURES}benign-http.pcap`, speed: 1 });
    await started;
    // stop() asks, then SIGKILLs after its timeout: with a generous one, only an engine that does
    // not leave on its own is killed. exited resolves with the exit code, null when killed by a
    // signal, so 0 means the engine closed its stores, dropped the channel and exited cleanly.
    await withTimeout(client.stop(30_000), 40_000, 'client.stop() to return');
    assert.equal((await withTimeout(client.exited, 1000, 'client.exited to settle')).code, 0, `engine exit code (null: killed); engine stderr: ${client.stderrLines.join(' | ')}`);
  });

  test('the feed filter runs in the engine: after it is set, every packet the snapshots carry matches it, and a bad one is refused with its position', async () => {
    const client = new EngineClient();
    const file = `${FIXTURES}benign-mixed.pcapng`;
    const started = collect(client, (m) => m.type === 'started');
    client.start({ ...defaultRunConfig(), replayFile: file, speed: 1 });
    await started;
    const state = await client.command({ name: 'feed', filter: 'port 22', showOwn: false });
    assert.equal(state.filter, 'port 22');
    const after: Snapshot[] = [];
    client.onMessage((m) => {
      if (m.type === 'snapshot' && m.snapshot.feed.generation === state.generation) after.push(m.snapshot);
    });
    await collect(client, (m) => m.type === 'ended', 30_000);
    const packets = after.flatMap((s) => s.newPackets);
    assert.ok(packets.length > 0, 'the ssh packets of the replay');
    for (const p of packets) assert.ok(p.srcPort === 22 || p.dstPort === 22, `${p.src}:${p.srcPort} → ${p.dst}:${p.dstPort}`);
    await assert.rejects(client.command({ name: 'feed', filter: 'prot tcp', showOwn: false }), /unknown term 'prot'.*\(at 1\)/);
    const activity = await client.command({ name: 'activity', address: '10.77.0.1', limit: 5 });
    assert.ok(activity.packets.length > 0 && activity.packets.length <= 5);
    assert.ok(activity.packets.every((p) => p.src === '10.77.0.1' || p.dst === '10.77.0.1'));
    const check = await client.command({ name: 'checkAddress', address: '127.0.0.1' });
    assert.equal(check.protectedReason, 'loopback');
    await client.stop();
  });
});

describe('engine process reviewing a history file', () => {
  test('the review sends the history\'s alerts and answers the history command; no capture, no blocking', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snoopy-review-'));
    try {
      const file = join(dir, 'history.json');
      writeHistoryFile(file, historyEntries(200));
      const client = new EngineClient();
      const first = collect(client, (m) => m.type === 'snapshot');
      client.review({ ...defaultRunConfig(), historyFile: file });
      const messages = await first;
      const started = messages.find((m) => m.type === 'started') as Extract<EngineToUi, { type: 'started' }>;
      assert.equal(started.source.kind, 'review');
      assert.equal(started.source.description, file);
      const snap = (messages.at(-1) as Extract<EngineToUi, { type: 'snapshot' }>).snapshot;
      assert.equal(snap.newAlerts.length, 134);
      const page = await client.command({ name: 'history', limit: 5000 });
      assert.equal(page.entries.length, 200);
      await assert.rejects(client.command({ name: 'block', address: '198.51.100.1', durationSeconds: 60, reason: 'x' }), /reviewing a history file/);
      await client.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing history file is one fatal line', async () => {
    const client = new EngineClient();
    const done = collect(client, (m) => m.type === 'fatal');
    client.review({ ...defaultRunConfig(), historyFile: '/nonexistent/history.json' });
    const fatal = (await done).at(-1) as Extract<EngineToUi, { type: 'fatal' }>;
    assert.match(fatal.message, /cannot review \/nonexistent\/history\.json: no such file/);
    await client.stop();
  });
});
