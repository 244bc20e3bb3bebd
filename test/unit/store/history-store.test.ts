import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { writeFileDurably } from '../../../src/store/durable-write.js';
import { serializeHistory } from '../../../src/store/history/history-entry.js';
import { type HistoryEntry } from '../../../src/model/history-entry.js';
import { HistoryOpenError, LockHeldError } from '../../../src/store/history/history-open-error.js';
import { HistoryStore, readHistoryFiles } from '../../../src/store/history/history-store.js';
import type { TextWriter } from '../../../src/store/history/history-file-adapter.js';
import { sampleAlert, sampleBlock, sampleEntry, sampleUnblock, withTempDir } from './sample-entries.js';
import { waitFor } from '../../support/wait-for.js';


function countingWriter(): { writer: TextWriter; writes: string[] } {
  const writes: string[] = [];
  return {
    writes,
    writer: async (path, text) => {
      writes.push(path);
      await writeFileDurably(path, text);
    },
  };
}

/** A clock that moves one second per call, so every archive gets its own name. */
function steppingClock(start = Date.UTC(2026, 10, 21, 22, 0, 0)): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

async function readJson(path: string): Promise<{ version: number; entries: HistoryEntry[] }> {
  return JSON.parse(await readFile(path, 'utf8')) as { version: number; entries: HistoryEntry[] };
}

describe('HistoryStore', () => {
  test('round trip: a new file, alerts, blocks, unblocks, reopened as they were', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'state', 'history.json');
      const { store, warning } = await HistoryStore.open(file, { debounceMs: 10_000 });
      assert.equal(warning, null);
      // A new history is written at once, so even a crash right after start leaves a valid file.
      assert.deepEqual(await readJson(file), { version: 1, entries: [] });
      assert.equal((await stat(join(dir, 'state'))).mode & 0o777, 0o700);
      const added: HistoryEntry[] = [
        { kind: 'alert', alert: sampleAlert(1) },
        sampleBlock(1),
        sampleBlock(2, { action: 'suppressed', detail: 'default gateway' }),
        sampleUnblock(1, { reason: 'manual' }),
      ];
      for (const e of added) store.add(e);
      assert.deepEqual(store.entries(), added);
      await store.close();
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      const onDisk = await readJson(file);
      assert.equal(onDisk.version, 1);
      assert.deepEqual(onDisk.entries, added);
      const again = await HistoryStore.open(file);
      assert.equal(again.warning, null);
      assert.deepEqual(again.store.entries(), added);
      await again.store.close();
    }));

  test('an updated alert replaces its entry (in place), also across a reopen', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'history.json');
      const { store } = await HistoryStore.open(file);
      const alert = sampleAlert(7);
      store.upsertAlert(alert);
      store.add(sampleBlock(7));
      // The engine keeps mutating its own object: the store changes only on upsert.
      alert.packet_count = 99_999;
      assert.equal((store.entries()[0] as { alert: { packet_count: number } }).alert.packet_count, 1007);
      store.upsertAlert({ ...sampleAlert(7), packet_count: 5000, duration: 12.5 });
      store.add({ kind: 'alert', alert: { ...sampleAlert(7), packet_count: 6000 } });
      assert.equal(store.entries().length, 2);
      const first = store.entries()[0]!;
      assert.equal(first.kind, 'alert');
      assert.equal(first.kind === 'alert' && first.alert.packet_count, 6000);
      await store.close();
      const again = await HistoryStore.open(file);
      assert.equal(again.store.entries().length, 2);
      const reread = again.store.entries()[0]!;
      assert.equal(reread.kind === 'alert' && reread.alert.packet_count, 6000);
      await again.store.close();
    }));

  test('debounced: a burst of adds is one write, spaced bursts one write each, flush writes only when dirty', (t) =>
    withTempDir(async (dir) => {
      const file = join(dir, 'history.json');
      const { writer, writes } = countingWriter();
      const { store } = await HistoryStore.open(file, { debounceMs: 40, writer });
      const atOpen = writes.length; // the new empty file
      assert.equal(atOpen, 1);
      // The debounce timer and the clock that times writes are mocked: time moves only when the
      // test ticks it, however slow the machine. The writes themselves are real file I/O.
      t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
      /** Every write the store's queue holds has finished (readAll is queued behind them). */
      const queueDrained = () => store.readAll();
      /** Runs the debounce timer, waits for the write it starts, then shows that no second one follows. */
      async function settled(before: number): Promise<number> {
        t.mock.timers.tick(10_000);
        await queueDrained();
        t.mock.timers.tick(10_000);
        await queueDrained();
        return writes.length - before;
      }
      for (let i = 0; i < 1000; i++) store.add(sampleEntry(i));
      assert.equal(writes.length, atOpen, 'nothing written synchronously');
      t.mock.timers.tick(39);
      await queueDrained();
      assert.equal(writes.length, atOpen, 'nothing written before the debounce');
      assert.equal(await settled(atOpen), 1);
      assert.equal((await readJson(file)).entries.length, 1000, 'written without flush, after the debounce');
      for (let burst = 0; burst < 3; burst++) {
        const before: number = writes.length;
        for (let i = 0; i < 50; i++) {
          store.add(sampleBlock(2000 + burst * 100 + i));
          if (i % 10 === 0) t.mock.timers.tick(1); // spread over a few ms, still well inside the debounce
        }
        assert.equal(await settled(before), 1);
      }
      assert.equal(writes.length, atOpen + 4);
      await store.flush();
      assert.equal(writes.length, atOpen + 4, 'nothing dirty: no write');
      store.add(sampleUnblock(1));
      await store.flush();
      assert.equal(writes.length, atOpen + 5);
      assert.equal(store.status().writes, atOpen + 5);
      await store.close();
      assert.equal(writes.length, atOpen + 5);
    }));

  test('a failed write is counted, retried, and never loses entries', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'history.json');
      let failNext = 0;
      const writer: TextWriter = async (path, text) => {
        if (failNext > 0) {
          failNext--;
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        }
        await writeFileDurably(path, text);
      };
      const { store } = await HistoryStore.open(file, { debounceMs: 20, writer });
      failNext = 1;
      store.add(sampleBlock(1));
      // The timed write fails, then the retry succeeds.
      await waitFor(() => store.status().writes === 2, { message: () => `the retried write (status ${JSON.stringify(store.status())})` });
      assert.equal(store.status().writeFailures, 1);
      assert.match(store.status().lastWriteError ?? '', /ENOSPC/);
      assert.equal((await readJson(file)).entries.length, 1);
      failNext = 1;
      store.add(sampleBlock(2));
      await assert.rejects(store.flush(), /ENOSPC/);
      await store.flush();
      assert.equal((await readJson(file)).entries.length, 2);
      await store.close();
    }));

  for (const [what, bytes] of [
    ['invalid JSON', Buffer.from('{"version":1,"entries":[{"kind":"block",')],
    ['bytes that are not UTF-8', Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0xc3, 0x28, 0x0a, 0x80])],
    ['a JSON array', Buffer.from('[1,2,3]')],
    ['an unknown version', Buffer.from('{"version":2,"entries":[]}')],
    ['no entries array', Buffer.from('{"version":1,"entries":{}}')],
    ['an empty file', Buffer.alloc(0)],
  ] as const) {
    test(`a corrupt file (${what}) is moved aside byte for byte and a new one started`, () =>
      withTempDir(async (dir) => {
        const file = join(dir, 'history.json');
        await writeFile(file, bytes);
        const { store, warning } = await HistoryStore.open(file, { now: () => new Date('2026-11-21T22:15:03.123Z') });
        assert.ok(warning !== null);
        assert.ok(!warning.includes('\n'));
        const kept = `${file}.corrupt-2026-11-21T221503Z`;
        assert.equal(warning, `history file ${file} was corrupt (${/\(([^]*)\); kept/.exec(warning)![1]}); kept as ${kept}, started a new one`);
        assert.ok((await readFile(kept)).equals(bytes), 'quarantined content preserved');
        assert.deepEqual(store.entries(), []);
        assert.deepEqual(await readJson(file), { version: 1, entries: [] });
        store.add(sampleBlock(1));
        await store.close();
        // A second corrupt file in the same second does not overwrite the first.
        await writeFile(file, 'garbage');
        const again = await HistoryStore.open(file, { now: () => new Date('2026-11-21T22:15:03.500Z') });
        assert.match(again.warning ?? '', /kept as .*\.corrupt-2026-11-21T221503Z-1,/);
        assert.ok((await readFile(kept)).equals(bytes));
        assert.equal(await readFile(`${kept}-1`, 'utf8'), 'garbage');
        await again.store.close();
      }));
  }

  test('invalid entries in a good file are dropped and counted; the original is kept aside', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'history.json');
      const good = [sampleEntry(0), sampleEntry(1), sampleEntry(2), sampleEntry(3), sampleEntry(4)];
      const { attack_details: _d, ...alertWithoutDetails } = sampleAlert(9);
      const bad = [
        { kind: 'alert', alert: { ...sampleAlert(8), severity: 'apocalyptic' } },
        { kind: 'alert', alert: alertWithoutDetails },
        { kind: 'block', at: 'yesterday-ish', address: '203.0.113.1', reason: 'x', durationSeconds: 300, action: 'blocked' },
        { kind: 'reboot' },
        null,
      ];
      const text = JSON.stringify({ version: 1, entries: [good[0], bad[0], good[1], bad[1], bad[2], good[2], good[3], bad[3], bad[4], good[4]] });
      await writeFile(file, text);
      const { store, warning } = await HistoryStore.open(file, { now: () => new Date('2026-11-21T22:15:03Z') });
      const kept = `${file}.corrupt-2026-11-21T221503Z`;
      assert.equal(warning, `history file ${file}: 5 invalid entries dropped; the original is kept as ${kept}`);
      assert.deepEqual(store.entries(), good);
      assert.equal(await readFile(kept, 'utf8'), text);
      assert.deepEqual((await readJson(file)).entries, good, 'the file is rewritten without them');
      await store.close();
      assert.equal((await HistoryStore.open(file).then(async (r) => (await r.store.close(), r.warning))), null);
    }));

  test('add() refuses entries that would not load back, and counts them', () =>
    withTempDir(async (dir) => {
      const { store } = await HistoryStore.open(join(dir, 'history.json'));
      store.add({ ...sampleBlock(1), durationSeconds: Number.NaN });
      store.upsertAlert({ ...sampleAlert(1), target_port: 70_000 });
      store.add(sampleBlock(2));
      assert.equal(store.entries().length, 1);
      assert.equal(store.status().rejected, 2);
      await store.close();
    }));

  test('bounded: past maxEntries the oldest half goes to dated archives that readArchives returns', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'history.json');
      const all = Array.from({ length: 25 }, (_, i) => sampleEntry(i));
      const { store } = await HistoryStore.open(file, { maxEntries: 10, debounceMs: 5, now: steppingClock() });
      for (const e of all.slice(0, 12)) store.add(e);
      assert.ok(store.entries().length <= 10);
      // Rotated entries are readable before their archive is written …
      assert.deepEqual([...(await store.readArchives()), ...store.entries()], all.slice(0, 12));
      await store.flush();
      for (let i = 12; i < all.length; i += 5) {
        for (const e of all.slice(i, i + 5)) store.add(e);
        await store.flush();
      }
      // … and after.
      const names = (await readdir(dir)).filter((n) => n !== 'history.json' && n !== 'history.json.lock' && n !== 'history.json.journal').sort();
      assert.ok(names.length >= 3);
      for (const n of names) assert.match(n, /^history\.\d{4}-\d{2}-\d{2}T\d{6}\.json$/);
      for (const n of names) assert.equal((await readJson(join(dir, n))).version, 1);
      assert.deepEqual([...(await store.readArchives()), ...store.entries()], all);
      assert.equal(store.status().rotated, 25 - store.entries().length);
      await store.close();
      const again = await HistoryStore.open(file, { maxEntries: 10 });
      assert.deepEqual([...(await again.store.readArchives()), ...again.store.entries()], all);
      const read = await readHistoryFiles(file);
      assert.deepEqual([...read.archived, ...read.entries], all);
      assert.equal(read.warning, null);
      await again.store.close();
    }));

  test('archives beyond maxArchives are deleted, oldest first; a separate archive dir works', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'history.json');
      const archiveDir = join(dir, 'archive');
      const all = Array.from({ length: 60 }, (_, i) => sampleEntry(i));
      const { store } = await HistoryStore.open(file, { maxEntries: 4, maxArchives: 3, archiveDir, now: steppingClock() });
      for (const e of all) {
        store.add(e);
        await store.flush();
      }
      const names = await readdir(archiveDir);
      assert.equal(names.length, 3);
      assert.ok(store.status().archivesDeleted > 0);
      const kept = [...(await store.readArchives()), ...store.entries()];
      assert.deepEqual(kept, all.slice(all.length - kept.length), 'the newest survive, in order');
      await store.close();
    }));

  test('an alert updated after its entry was archived appears once, in its latest version, in readAll()', () =>
    withTempDir(async (dir) => {
      const { store } = await HistoryStore.open(join(dir, 'history.json'), { maxEntries: 4, now: steppingClock() });
      store.upsertAlert(sampleAlert(1));
      for (let i = 0; i < 6; i++) store.add(sampleBlock(i));
      store.upsertAlert({ ...sampleAlert(1), packet_count: 42 });
      await store.flush();
      const alerts = (await store.readAll()).filter((e) => e.kind === 'alert');
      assert.equal(alerts.length, 1);
      assert.equal(alerts[0]!.kind === 'alert' && alerts[0]!.alert.packet_count, 42);
      await store.close();
    }));

  test('a crash between writing an archive and rewriting the file leaves no duplicates after reopen', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'history.json');
      const all = Array.from({ length: 12 }, (_, i) => sampleEntry(i));
      await writeFile(join(dir, 'history.2026-11-21T220000.json'), serializeHistory(all.slice(0, 7)));
      await writeFile(file, serializeHistory(all));
      const { store, warning } = await HistoryStore.open(file, { maxEntries: 100 });
      assert.equal(warning, null);
      assert.deepEqual(store.entries(), all.slice(7));
      assert.deepEqual([...(await store.readArchives()), ...store.entries()], all);
      await store.close();
    }));

  test('temp files left by a writer killed mid-write are removed at open', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'history.json');
      await writeFile(join(dir, '.history.json.12345.0a1b2c.tmp'), '{"version":1,"entr');
      await writeFile(join(dir, '.history.2026-11-21T220000.json.12345.0a1b2c.tmp'), '{');
      await writeFile(join(dir, '.unrelated.json.12345.0a1b2c.tmp'), 'not ours');
      const { store } = await HistoryStore.open(file);
      assert.deepEqual((await readdir(dir)).sort(), ['.unrelated.json.12345.0a1b2c.tmp', 'history.json', 'history.json.journal', 'history.json.lock']);
      await store.close();
      assert.deepEqual((await readdir(dir)).sort(), ['.unrelated.json.12345.0a1b2c.tmp', 'history.json', 'history.json.journal']);
    }));

  test('lock: a second open fails with the holder pid; close releases it', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'history.json');
      const { store } = await HistoryStore.open(file);
      assert.equal(await readFile(`${file}.lock`, 'utf8').then((t) => t.split('\n')[0]), String(process.pid));
      await assert.rejects(HistoryStore.open(file), (e: unknown) => {
        assert.ok(e instanceof LockHeldError);
        assert.ok(e instanceof HistoryOpenError);
        assert.equal(e.pid, process.pid);
        assert.match(e.message, new RegExp(`pid ${process.pid}`));
        assert.ok(!e.message.includes('\n'));
        return true;
      });
      store.add(sampleBlock(1));
      await store.close();
      await assert.rejects(stat(`${file}.lock`), { code: 'ENOENT' });
      const again = await HistoryStore.open(file);
      assert.equal(again.store.entries().length, 1);
      await again.store.close();
    }));

  test('lock: a live other snoopy-tui holds it; a dead one, a reused pid, or one from an earlier boot is taken over', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'history.json');
      const lock = `${file}.lock`;
      const boot = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => '')).trim();
      const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)'], { stdio: 'ignore' });
      try {
        await writeFile(lock, `${live.pid}\n${boot}\n`);
        await assert.rejects(HistoryStore.open(file), new RegExp(`\\(pid ${live.pid}\\)`));
        if (boot !== '') {
          await writeFile(lock, `${live.pid}\n00000000-0000-0000-0000-000000000000\n`);
          const r = await HistoryStore.open(file);
          assert.equal((await readFile(lock, 'utf8')).split('\n')[0], String(process.pid));
          await r.store.close();
        }
      } finally {
        live.kill('SIGKILL');
      }
      // A reused pid: alive, but running some other program.
      const other = spawn('sleep', ['30'], { stdio: 'ignore' });
      try {
        await writeFile(lock, `${other.pid}\n${boot}\n`);
        const r = await HistoryStore.open(file);
        await r.store.close();
      } finally {
        other.kill('SIGKILL');
      }
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      await writeFile(lock, `${dead.stdout}\n${boot}\n`);
      const r = await HistoryStore.open(file);
      assert.equal((await readFile(lock, 'utf8')).split('\n')[0], String(process.pid));
      await r.store.close();
      await writeFile(lock, 'not a pid at all');
      const r2 = await HistoryStore.open(file);
      await r2.store.close();
    }));

  for (const stale of [false, true]) {
    test(`lock: of several processes starting at once on one file${stale ? ' with a stale lock' : ''}, exactly one opens it`, () =>
      withTempDir(async (dir) => {
        const file = join(dir, 'history.json');
        if (stale) {
          const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
          await writeFile(`${file}.lock`, `${dead.stdout}\n`);
        }
        const script = join(import.meta.dirname, '..', '..', 'support', 'history-writer.ts');
        const children = Array.from({ length: 4 }, () => spawn(process.execPath, ['--import', 'tsx', script, file, 'hold'], { stdio: ['ignore', 'pipe', 'inherit'] }));
        try {
          const outcomes = await Promise.all(
            children.map(
              (c) =>
                new Promise<string>((resolve) => {
                  let out = '';
                  c.stdout!.setEncoding('utf8');
                  c.stdout!.on('data', (d: string) => {
                    out += d;
                    if (out.includes('\n')) resolve(out.trim());
                  });
                  c.on('close', () => resolve(out.trim()));
                }),
            ),
          );
          assert.equal(outcomes.filter((o) => o === 'holding').length, 1, outcomes.join(' | '));
          const holder = children[outcomes.indexOf('holding')]!;
          for (const o of outcomes.filter((o) => o !== 'holding')) assert.match(o, new RegExp(`^error: history file .* is in use by another snoopy-tui \\(pid ${holder.pid}\\)`));
        } finally {
          for (const c of children) c.kill('SIGKILL');
        }
      }));
  }

  test('open errors are one clear line', () =>
    withTempDir(async (dir) => {
      await mkdir(join(dir, 'history.json'));
      await assert.rejects(HistoryStore.open(join(dir, 'history.json')), (e: unknown) => {
        assert.ok(e instanceof HistoryOpenError);
        assert.match(e.message, /cannot open history file .*history\.json/);
        assert.ok(!e.message.includes('\n'));
        return true;
      });
      await assert.rejects(stat(join(dir, 'history.json.lock')), { code: 'ENOENT' }, 'the lock is released on failure');
      await writeFile(join(dir, 'plain'), 'x');
      await assert.rejects(HistoryStore.open(join(dir, 'plain', 'sub', 'history.json')), /cannot create history directory/);
    }));

  test('readHistoryFiles reads while an engine holds the lock, and never writes', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'history.json');
      const { store } = await HistoryStore.open(file);
      store.add(sampleBlock(1));
      await store.flush();
      const read = await readHistoryFiles(file);
      assert.deepEqual(read.entries, [sampleBlock(1)]);
      await store.close();
      await writeFile(file, 'garbage');
      const broken = await readHistoryFiles(file);
      assert.deepEqual(broken.entries, []);
      assert.match(broken.warning ?? '', /unreadable/);
      assert.equal(await readFile(file, 'utf8'), 'garbage');
    }));

  test('at process exit without close(), pending entries are written synchronously and the lock released', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'history.json');
      const script = join(import.meta.dirname, '..', '..', 'support', 'history-writer.ts');
      const r = spawnSync(process.execPath, ['--import', 'tsx', script, file, 'exit-without-flush'], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.equal((await readJson(file)).entries.length, 3);
      await assert.rejects(stat(`${file}.lock`), { code: 'ENOENT' });
    }));
});
