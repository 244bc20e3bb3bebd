import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import type { HistoryEntry } from '../../src/model/history-entry.js';
import { HistoryStore } from '../../src/store/history/history-store.js';

const WRITER = fileURLToPath(new URL('../support/history-writer.ts', import.meta.url));
const ROUNDS = 10;

function seqOf(e: HistoryEntry): number {
  const detail = e.kind === 'alert' ? String(e.alert.attack_details.seq ?? '') : (e.detail ?? '');
  const m = /^seq (\d+)$/.exec(detail) ?? /^(\d+)$/.exec(detail);
  return m ? Number(m[1]) : 0;
}

interface Round {
  ready: number | null;
  flushed: number | null;
  /** The last entry the writer said it had added (recorded, not yet necessarily in the file). */
  added: number | null;
  flushes: number;
  stderr: string;
}

/** Starts the writer, kills it with SIGKILL `delayMs` after it is ready, returns what it reported. */
function runAndKill(file: string, delayMs: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    const round: Round = { ready: null, flushed: null, added: null, flushes: 0, stderr: '' };
    let buffered = '';
    const startup = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const m = /^(ready|flushed|added) (\d+)$/.exec(line);
        if (!m) continue;
        if (m[1] === 'added') round.added = Number(m[2]);
        else if (m[1] === 'ready') {
          round.ready = Number(m[2]);
          clearTimeout(startup);
          setTimeout(() => child.kill('SIGKILL'), delayMs);
        } else {
          round.flushed = Number(m[2]);
          round.flushes++;
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (round.stderr += chunk));
    child.on('error', reject);
    // 'close': the process is dead and its stdout fully read, so every line it printed is counted.
    child.on('close', (_code, signal) => {
      clearTimeout(startup);
      if (signal !== 'SIGKILL') reject(new Error(`writer ended without being killed (signal ${signal}): ${round.stderr}`));
      else resolve(round);
    });
  });
}

describe('history survives kill -9 during a burst of writes', () => {
  let dir = '';
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test(`${ROUNDS} rounds: the file loads without damage and holds every entry that was added, flushed or not (the journal)`, async () => {
    dir = await mkdtemp(join(tmpdir(), 'snoopy-history-crash-'));
    const file = join(dir, 'history.json');
    let mustHave = 0;
    let totalFlushes = 0;
    const lost: number[] = [];
    const unflushed: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const delayMs = 20 + Math.floor(Math.random() * 400);
      const r = await runAndKill(file, delayMs);
      const context = `round ${round}, killed ${delayMs} ms after ready (${JSON.stringify({ ...r, stderr: r.stderr.slice(0, 300) })})`;
      assert.ok(r.ready !== null, `the writer never got ready: ${context}`);
      assert.ok(!r.stderr.includes('warning:'), `the writer found a damaged history: ${context}`);
      assert.ok(r.ready >= mustHave, `entries added in an earlier round were missing at restart: ${context}`);
      // Every entry the writer had added when it died, not only those a full write had flushed.
      const added = Math.max(r.added ?? 0, r.flushed ?? 0, r.ready);
      unflushed.push(added - Math.max(r.flushed ?? 0, r.ready));
      mustHave = Math.max(mustHave, added);
      totalFlushes += r.flushes;

      const { store, warning } = await HistoryStore.open(file, { maxEntries: 3000, flushOnExit: false });
      try {
        assert.ok(warning === null || /changes? recovered from .*\.journal/.test(warning), `${warning} — ${context}`);
        const all = await store.readAll();
        const seen = new Set<number>();
        for (const e of all) {
          const n = seqOf(e);
          assert.ok(!seen.has(n), `entry ${n} appears twice: ${context}`);
          seen.add(n);
        }
        let missing = 0;
        for (let n = 1; n <= mustHave; n++) if (!seen.has(n)) missing++;
        lost.push(missing);
        const leftovers = (await readdir(dir)).filter((n) => n.endsWith('.tmp'));
        assert.deepEqual(leftovers, [], 'temp files of the killed writer are cleaned up at open');
      } finally {
        await store.close();
      }
    }
    // The figures: before the journal, the entries added after the last full write were lost.
    console.log(`kill -9 over ${ROUNDS} rounds: entries added but not yet in a full write when killed ${JSON.stringify(unflushed)}; lost ${JSON.stringify(lost)}`);
    assert.deepEqual(lost, lost.map(() => 0), 'no entry added before the kill is lost');
    assert.ok(totalFlushes >= ROUNDS, `the writer completed only ${totalFlushes} flushes in ${ROUNDS} rounds`);
    assert.ok(mustHave > 3000, `only ${mustHave} entries written: rotation was never exercised`);
    assert.ok((await readdir(dir)).some((n) => /^history\.\d{4}-\d{2}-\d{2}T\d{6}(-\d+)?\.json$/.test(n)), 'archives were written');
  });
});
