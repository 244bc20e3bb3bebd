import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FileFollower } from '../../../src/platform/logs/file-follower.js';
import { LineSplitter } from '../../../src/platform/logs/line-splitter.js';

const dir = mkdtempSync(join(tmpdir(), 'snp-auth-follow-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A follower driven by poll() directly (no timer), collecting lines and warnings. */
async function follower(name: string, mode: 'follow' | 'read-once' = 'follow', maxLineBytes?: number) {
  const path = join(dir, name);
  const lines: string[] = [];
  const warnings: string[] = [];
  const f = new FileFollower(path, { mode, pollMs: 3_600_000, onWarning: (w) => warnings.push(w), ...(maxLineBytes ? { maxLineBytes } : {}) });
  return { path, lines, warnings, f, start: () => f.start((l) => lines.push(l.text)) };
}

test('starts at the end: only lines appended after start, a partial line waits for its newline', async () => {
  const t = await follower('append.log');
  writeFileSync(t.path, 'old line 1\nold line 2\n');
  await t.start();
  appendFileSync(t.path, 'new 1\nnew 2\npart');
  await t.f.poll();
  assert.deepEqual(t.lines, ['new 1', 'new 2']);
  appendFileSync(t.path, 'ial\r\n');
  await t.f.poll();
  assert.deepEqual(t.lines, ['new 1', 'new 2', 'partial']);
  t.f.stop();
});

test('rotation by rename: the rest of the old file, then the new file from its start', async () => {
  const t = await follower('rot.log');
  writeFileSync(t.path, 'before\n');
  await t.start();
  appendFileSync(t.path, 'last of old\nunterminated');
  renameSync(t.path, `${t.path}.1`);
  writeFileSync(t.path, 'first of new\n');
  await t.f.poll();
  assert.deepEqual(t.lines, ['last of old', 'unterminated', 'first of new']);
  assert.equal(t.f.stats().rotations, 1);
  appendFileSync(t.path, 'second of new\n');
  appendFileSync(`${t.path}.1`, 'late write to the old file is not followed\n');
  await t.f.poll();
  assert.deepEqual(t.lines.slice(3), ['second of new']);
  t.f.stop();
});

test('copytruncate: truncated in place, reading restarts at 0', async () => {
  const t = await follower('trunc.log');
  writeFileSync(t.path, 'a long line before the truncation happens\n');
  await t.start();
  appendFileSync(t.path, 'x1\n');
  await t.f.poll();
  truncateSync(t.path, 0);
  appendFileSync(t.path, 'after truncate\n');
  await t.f.poll();
  assert.deepEqual(t.lines, ['x1', 'after truncate']);
  assert.equal(t.f.stats().truncations, 1);
  t.f.stop();
});

test('a 1 MB line is one counted event, cut to the bound; the next line is intact', async () => {
  const t = await follower('huge.log', 'follow', 4096);
  writeFileSync(t.path, '');
  await t.start();
  appendFileSync(t.path, `COMMAND=${'A'.repeat(1024 * 1024)}\nnext line\n`);
  await t.f.poll();
  assert.equal(t.lines.length, 2);
  assert.equal(Buffer.byteLength(t.lines[0]!), 4096);
  assert.ok(t.lines[0]!.startsWith('COMMAND=AAAA'));
  assert.equal(t.lines[1], 'next line');
  assert.equal(t.f.stats().oversized, 1);
  t.f.stop();
});

test('invalid UTF-8 becomes U+FFFD, not an error', async () => {
  const t = await follower('utf8.log');
  writeFileSync(t.path, '');
  await t.start();
  appendFileSync(t.path, Buffer.concat([Buffer.from('user '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(' end\n')]));
  await t.f.poll();
  assert.equal(t.lines.length, 1);
  assert.match(t.lines[0]!, /^user \uFFFD+ end$/);
  t.f.stop();
});

test('missing file: one warning, then the file is read from its start when it appears', async () => {
  const t = await follower('later.log');
  await t.start();
  await t.f.poll();
  assert.equal(t.warnings.length, 1);
  assert.match(t.warnings[0]!, /no such file; waiting for it/);
  writeFileSync(t.path, 'first\n');
  await t.f.poll();
  assert.deepEqual(t.lines, ['first']);
  t.f.stop();
});

test('read-once (replays): the whole file from its start, then done', async () => {
  const t = await follower('once.log', 'read-once');
  writeFileSync(t.path, 'one\ntwo\nthree');
  await t.start();
  assert.deepEqual(t.lines, ['one', 'two', 'three']);
});

test('LineSplitter: a line split across chunks at every byte position comes out whole', () => {
  const text = 'Failed password for root from 10.0.0.1 port 22 ssh2\nsecond\n';
  for (let cut = 0; cut <= text.length; cut++) {
    const out: string[] = [];
    const s = new LineSplitter((l) => out.push(l), 64);
    s.push(Buffer.from(text.slice(0, cut)));
    s.push(Buffer.from(text.slice(cut)));
    assert.deepEqual(out, ['Failed password for root from 10.0.0.1 port 22 ssh2', 'second'], `cut at ${cut}`);
  }
});
