import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { appendWithOAppend, DailyJsonLog, type AppendText } from '../../../src/store/daily-log/daily-json-log.js';
import { sampleAlert, sampleBlock, sampleUnblock, withTempDir } from './sample-entries.js';
import { waitFor } from '../../support/wait-for.js';

async function lines(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8');
  assert.ok(text.endsWith('\n'));
  return text
    .slice(0, -1)
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('DailyJsonLog', () => {
  test('alerts go to attacks_<alert date>.json, blocks and unblocks to blocked_ports_<date>.json, one object per line', () =>
    withTempDir(async (dir) => {
      const logDir = join(dir, 'logs');
      const log = new DailyJsonLog(logDir, { flushMs: 10_000 });
      const a1 = sampleAlert(1, { timestamp: '2026-11-21T23:59:59.999Z' });
      const a2 = sampleAlert(2, { timestamp: '2026-11-22T00:00:00.000Z', reverse_dns: 'evil\nhost "x"' });
      log.logAlert(a1);
      log.logAlert(a2);
      log.log({ kind: 'alert', alert: { ...a1, packet_count: 5 } });
      log.logBlock(sampleBlock(1, { at: '2026-11-21T23:00:00.000Z' }));
      log.log(sampleUnblock(1, { at: '2026-11-22T00:05:00.000Z', detail: 'after 300 s' }));
      assert.equal((await readdir(dir)).length, 0, 'batched: nothing written before the flush');
      await log.close();
      assert.deepEqual((await readdir(logDir)).sort(), [
        'attacks_2026-11-21.json',
        'attacks_2026-11-22.json',
        'blocked_ports_2026-11-21.json',
        'blocked_ports_2026-11-22.json',
      ]);
      assert.equal((await stat(logDir)).mode & 0o777, 0o750);
      assert.equal((await stat(join(logDir, 'attacks_2026-11-21.json'))).mode & 0o777, 0o640);
      assert.deepEqual(await lines(join(logDir, 'attacks_2026-11-21.json')), [a1, { ...a1, packet_count: 5 }]);
      assert.deepEqual(await lines(join(logDir, 'attacks_2026-11-22.json')), [a2]);
      assert.deepEqual(await lines(join(logDir, 'blocked_ports_2026-11-21.json')), [
        {
          event_type: 'block',
          timestamp: '2026-11-21T23:00:00.000Z',
          address: '203.0.113.1',
          action: 'blocked',
          reason: 'PORT_SCAN',
          duration_seconds: 300,
          alert_id: 'a-1',
        },
      ]);
      assert.deepEqual(await lines(join(logDir, 'blocked_ports_2026-11-22.json')), [
        { event_type: 'unblock', timestamp: '2026-11-22T00:05:00.000Z', address: '203.0.113.1', reason: 'expired', detail: 'after 300 s' },
      ]);
      assert.deepEqual(log.status(), { linesWritten: 5, linesFailed: 0, linesDropped: 0, problem: null });
    }));

  test('appends to an existing day file, and writes by itself after flushMs', () =>
    withTempDir(async (dir) => {
      const prior = `${JSON.stringify({ earlier: true })}\n`;
      await writeFile(join(dir, 'attacks_2026-11-21.json'), prior);
      const log = new DailyJsonLog(dir, { flushMs: 10 });
      log.logAlert(sampleAlert(1));
      await waitFor(() => log.status().linesWritten === 1, { message: () => `the timed flush (status ${JSON.stringify(log.status())})` });
      assert.deepEqual(await lines(join(dir, 'attacks_2026-11-21.json')), [{ earlier: true }, sampleAlert(1)]);
      await log.close();
    }));

  test('a full disk or a denied directory is counted and reported as one line, never thrown', () =>
    withTempDir(async (dir) => {
      const problems: string[] = [];
      let failing = true;
      let partialOnce = true;
      const append: AppendText = async (path, text) => {
        if (failing) {
          if (partialOnce) {
            partialOnce = false;
            await appendWithOAppend(path, text.slice(0, 7)); // a torn line reached the disk
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', partial: true });
          }
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        }
        await appendWithOAppend(path, text);
      };
      const log = new DailyJsonLog(dir, { flushMs: 10_000, append, onProblem: (l) => problems.push(l) });
      log.logAlert(sampleAlert(1));
      log.logAlert(sampleAlert(2));
      await log.flush();
      log.logAlert(sampleAlert(3));
      await log.flush();
      assert.equal(problems.length, 1, 'one report per run of failures');
      assert.ok(!problems[0]!.includes('\n'));
      assert.match(problems[0]!, /attacks_2026-11-21\.json: ENOSPC: no space left on device/);
      assert.deepEqual(log.status(), { linesWritten: 0, linesFailed: 3, linesDropped: 0, problem: problems[0] });
      failing = false;
      log.logAlert(sampleAlert(4));
      await log.flush();
      assert.equal(log.status().problem, null);
      // The torn bytes stay on their own line; the next object starts a fresh one.
      const text = await readFile(join(dir, 'attacks_2026-11-21.json'), 'utf8');
      assert.deepEqual(text.split('\n').slice(1), [JSON.stringify(sampleAlert(4)), '']);

      const denied = new DailyJsonLog(join(dir, 'attacks_2026-11-21.json', 'sub'), { onProblem: (l) => problems.push(l) });
      denied.logBlock(sampleBlock(1));
      await denied.close();
      assert.equal(denied.status().linesFailed, 1);
      assert.equal(problems.length, 2);
    }));

  test('bounded while writes stall: lines beyond maxPendingLines are dropped and counted', () =>
    withTempDir(async (dir) => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const append: AppendText = async (path, text) => {
        await gate;
        await appendWithOAppend(path, text);
      };
      const log = new DailyJsonLog(dir, { flushMs: 10_000, maxPendingLines: 3, append });
      log.logAlert(sampleAlert(1));
      const first = log.flush(); // takes the line, then stalls on the gate
      await new Promise((r) => setImmediate(r));
      for (let i = 2; i <= 7; i++) log.logAlert(sampleAlert(i));
      assert.equal(log.status().linesDropped, 3);
      release();
      await first;
      await log.close();
      assert.equal((await lines(join(dir, 'attacks_2026-11-21.json'))).length, 4);
    }));
});
