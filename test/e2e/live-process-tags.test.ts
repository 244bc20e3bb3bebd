import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { defaultRunConfig } from '../../src/config/run-config.js';
import type { Snapshot } from '../../src/engine/protocol.js';
import { EngineClient } from '../../src/ui/engine-client.js';

const skip = process.getuid?.() !== 0 ? 'needs root (live capture on lo)' : false;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('live capture names local processes', { skip }, () => {
  test('a python server on loopback and its curl clients: the flows carry the server name', async () => {
    const port = await freePort();
    const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1'], { stdio: 'ignore' });
    const client = new EngineClient();
    let last: Snapshot | null = null;
    const seen = new Map<number, string | null>();
    client.onMessage((m) => {
      if (m.type !== 'snapshot') return;
      last = m.snapshot;
      for (const f of m.snapshot.flows) if (f.respPort === port && f.process !== null) seen.set(f.uid, f.process);
    });
    try {
      client.start({ ...defaultRunConfig(), interface: 'lo', geo: false, reverseDns: false });
      await new Promise((r) => setTimeout(r, 1500));
      for (let i = 0; i < 3; i++) execFileSync('curl', ['-s', '-o', '/dev/null', `http://127.0.0.1:${port}/`]);
      const deadline = Date.now() + 5000;
      while (seen.size === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.ok(last !== null, 'snapshots arrive');
      assert.ok(seen.size > 0, 'a flow to the server is named');
      assert.ok([...seen.values()].every((name) => name === 'python3'), JSON.stringify([...seen.values()]));
    } finally {
      await client.stop();
      server.kill();
    }
  });
});
