import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { FIXTURES } from '../support/run-cli.js';
import { waitFor, withTimeout } from '../support/wait-for.js';

const CLI = new URL('../../dist/cli.js', import.meta.url).pathname;

test('SIGINT or SIGTERM during a headless run ends it cleanly: exit 0 and a last stats line', async () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // A slowed replay: still running when the signal comes. --debug prints "reading file …" on
    // stderr once the run handles signals, which is when the signal is sent.
    const child = spawn(process.execPath, [CLI, '--replay', `${FIXTURES}nmap-syn.pcap`, '--headless', '--speed', '0.001', '--debug'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      await waitFor(() => /reading file/.test(stderr), { timeoutMs: 30_000, intervalMs: 20, message: () => `"reading file" on stderr (stderr so far: ${JSON.stringify(stderr)})` });
    } catch (e) {
      child.kill('SIGKILL');
      throw e;
    }
    assert.equal(stdout, '', `${signal}: nothing on stdout before the signal (a replay prints stats only at its end)`);
    child.kill(signal);
    const [code, sig] = await withTimeout(exited, 30_000, `${signal}: the process to exit`).catch((e: unknown) => {
      child.kill('SIGKILL');
      throw e;
    });
    assert.deepEqual({ code, sig }, { code: 0, sig: null }, `${signal}: exit; stderr: ${stderr}`);
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!) as { event_type: string };
    assert.equal(last.event_type, 'stats', `${signal}: the last line is the final stats`);
  }
});

test('signals always stop the process: a second signal while stopping exits at once (130/143)', async () => {
  for (const [signal, expected] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    const child = spawn(process.execPath, [CLI, '--replay', `${FIXTURES}nmap-syn.pcap`, '--headless', '--speed', '0.001', '--debug'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdout.resume();
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      await waitFor(() => /reading file/.test(stderr), { timeoutMs: 30_000, intervalMs: 20, message: () => `"reading file" on stderr (stderr so far: ${JSON.stringify(stderr)})` });
    } catch (e) {
      child.kill('SIGKILL');
      throw e;
    }
    child.kill(signal);
    child.kill(signal);
    const [code] = await withTimeout(exited, 10_000, `${signal} ×2: the process to exit`).catch((e: unknown) => {
      child.kill('SIGKILL');
      throw e;
    });
    // Either the first signal's clean stop won the race (0) or the second cut it short.
    assert.ok(code === 0 || code === expected, `${signal} twice: exit ${code}; stderr: ${stderr}`);
  }
});
