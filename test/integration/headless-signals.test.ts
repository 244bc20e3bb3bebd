import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { FIXTURES } from '../support/run-cli.js';

const CLI = new URL('../../dist/cli.js', import.meta.url).pathname;

test('SIGINT or SIGTERM during a headless run ends it cleanly: exit 0 and a last stats line', async () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // A slowed replay: still running when the signal comes.
    const child = spawn(process.execPath, [CLI, '--replay', `${FIXTURES}nmap-syn.pcap`, '--headless', '--speed', '0.001'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    await sleep(1500);
    child.kill(signal);
    const [code, sig] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    assert.deepEqual({ code, sig }, { code: 0, sig: null }, `${signal}: exit`);
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!) as { event_type: string };
    assert.equal(last.event_type, 'stats', `${signal}: the last line is the final stats`);
  }
});
