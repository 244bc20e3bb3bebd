import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, runCommand } from '../../../src/platform/exec/run-command.js';
import { whenWarm } from '../../../src/platform/exec/warm-processes.js';
import { waitFor } from '../../support/wait-for.js';

test('runs an argv array without a shell and returns its output', async () => {
  const r = await runCommand(['/bin/echo', 'a;b', '$(id)']);
  assert.equal(r.stdout, 'a;b $(id)');
  assert.equal(r.exitCode, 0);
});

test('passes stdin', async () => {
  const r = await runCommand(['/bin/cat'], { input: 'batch\nline' });
  assert.equal(r.stdout, 'batch\nline');
});

test('refuses a relative command path', async () => {
  await assert.rejects(runCommand(['echo', 'x']), TypeError);
});

test('a missing command is a typed not-found error', async () => {
  await assert.rejects(runCommand(['/nonexistent/bin/tool']), (e: unknown) => e instanceof CommandError && e.kind === 'not-found');
});

test('a non-zero exit is a typed error with the first stderr line, or a result with allowFailure', async () => {
  await assert.rejects(runCommand(['/bin/sh', '-c', 'echo boom >&2; exit 3']), (e: unknown) => e instanceof CommandError && e.kind === 'exit' && e.exitCode === 3 && /boom/.test(e.message));
  const r = await runCommand(['/bin/sh', '-c', 'exit 4'], { allowFailure: true });
  assert.equal(r.exitCode, 4);
});

test('a hanging command is killed at its timeout', async () => {
  const start = Date.now();
  await assert.rejects(runCommand(['/bin/sleep', '5'], { timeoutMs: 200 }), (e: unknown) => e instanceof CommandError && e.kind === 'timeout');
  assert.ok(Date.now() - start < 3000);
});

test('a command killed by a signal is a typed signal error', async () => {
  await assert.rejects(runCommand(['/bin/sh', '-c', 'kill -KILL $$']), (e: unknown) => e instanceof CommandError && e.kind === 'signal' && /SIGKILL/.test(e.message));
});

test('a command that exits without reading its input is an ordinary result (no EPIPE crash)', async () => {
  const r = await runCommand(['/bin/true'], { input: 'x'.repeat(4 * 1024 * 1024) });
  assert.equal(r.exitCode, 0);
});

test('only the final newline of the output is stripped', async () => {
  const r = await runCommand(['/usr/bin/printf', 'a\\n\\nb\\n\\n']);
  assert.equal(r.stdout, 'a\n\nb\n');
});

test('the observer hears the command start, then end', async () => {
  const heard: string[] = [];
  await runCommand(['/bin/cat'], { input: 'x', observer: { spawned: () => heard.push('spawned'), exited: () => heard.push('exited') } });
  assert.deepEqual(heard, ['spawned', 'exited']);
});

test('commands run with LC_ALL=C and the rest of the environment', async () => {
  const r = await runCommand(['/usr/bin/env']);
  assert.match(r.stdout, /^LC_ALL=C$/m);
  assert.match(r.stdout, /^PATH=/m);
});

test('warm: the next run of the same command line is started ahead and only gets its input then', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'snp-warm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'started');
  // Each process notes its pid when it starts, then echoes its input after it.
  const argv = ['/bin/sh', '-c', `echo $$ >> ${log}; echo "pid $$"; cat`];
  const first = await runCommand(argv, { input: 'one', warm: true });
  assert.match(first.stdout, /^pid \d+\none$/);
  await whenWarm(argv[0]!, argv.slice(1));
  await waitFor(() => readFileSync(log, 'utf8').trim().split('\n').length === 2, { timeoutMs: 5000, intervalMs: 10, message: 'the next process started ahead' });
  const aheadPid = readFileSync(log, 'utf8').trim().split('\n')[1];
  const second = await runCommand(argv, { input: 'two', warm: true });
  assert.equal(second.stdout, `pid ${aheadPid}\ntwo`, 'the process started ahead ran the second command');
  const third = await runCommand(['/bin/sh', '-c', 'cat'], { input: 'cold' });
  assert.equal(third.stdout, 'cold', 'other command lines are not affected');
});

test('warm: a process started ahead that was killed before its turn does not fail the command', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'snp-warm-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'started');
  const argv = ['/bin/sh', '-c', `echo $$ >> ${log}; echo "pid $$"; cat`];
  await runCommand(argv, { input: 'one', warm: true });
  await whenWarm(argv[0]!, argv.slice(1));
  await waitFor(() => readFileSync(log, 'utf8').trim().split('\n').length === 2, { timeoutMs: 5000, intervalMs: 10, message: 'the next process started ahead' });
  const aheadPid = Number(readFileSync(log, 'utf8').trim().split('\n')[1]);
  process.kill(aheadPid, 'SIGKILL');
  const second = await runCommand(argv, { input: 'two', warm: true });
  assert.match(second.stdout, /^pid \d+\ntwo$/);
  assert.notEqual(second.stdout, `pid ${aheadPid}\ntwo`);
});
