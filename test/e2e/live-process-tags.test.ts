import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { defaultRunConfig } from '../../src/config/run-config.js';
import type { Snapshot } from '../../src/engine/protocol.js';
import { EngineClient } from '../../src/ui/engine-client.js';
import { waitFor, withTimeout } from '../support/wait-for.js';

const execFileAsync = promisify(execFile);

const skip = process.getuid?.() !== 0 ? 'needs root (live capture on lo)' : false;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** True once something accepts TCP connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('live capture names local processes', { skip }, () => {
  test('a python server on loopback and its curl clients: the flows carry the server name', async () => {
    const port = await freePort();
    const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1'], { stdio: 'ignore' });
    const client = new EngineClient();
    let last: Snapshot | null = null;
    const seen = new Map<number, string | null>();
    const messages: string[] = [];
    const startedOrFatal = new Promise<void>((resolve, reject) =>
      client.onMessage((m) => {
        if (m.type === 'started') resolve();
        if (m.type === 'fatal') reject(new Error(`engine fatal: ${m.message}`));
      }),
    );
    client.onMessage((m) => {
      if (m.type !== 'snapshot') {
        messages.push(m.type);
        return;
      }
      last = m.snapshot;
      for (const f of m.snapshot.flows) if (f.respPort === port && f.process !== null) seen.set(f.uid, f.process);
    });
    try {
      // The server listens before any traffic is made (python can take a while to start).
      await waitFor(() => accepts(port), { timeoutMs: 20_000, intervalMs: 50, message: `python3 http.server listening on 127.0.0.1:${port}` });
      client.start({ ...defaultRunConfig(), interface: 'lo', geo: false, reverseDns: false });
      // 'started' is sent once the capture is open (geo is off, so the packet handler is attached
      // in the same turn). Starting the engine from source takes seconds on a busy machine.
      await withTimeout(startedOrFatal, 60_000, () => `the engine's 'started' message (saw ${messages.join(',') || 'nothing'}; stderr: ${client.stderrLines.join(' | ')})`);
      // Requests until a snapshot names a flow to the server: each one is a new flow to look up.
      await waitFor(
        async () => {
          if (seen.size > 0) return true;
          await execFileAsync('curl', ['-s', '-o', '/dev/null', '--max-time', '5', `http://127.0.0.1:${port}/`], { timeout: 10_000 }).catch(() => undefined);
          return seen.size > 0;
        },
        {
          timeoutMs: 30_000,
          intervalMs: 200,
          message: () => {
            const snapshot = last as Snapshot | null;
            const flows = snapshot?.flows.filter((f) => f.respPort === port || f.origPort === port) ?? [];
            return `a snapshot naming a flow to 127.0.0.1:${port} (last snapshot: ${snapshot === null ? 'none' : `seq ${snapshot.seq}, ${snapshot.stats.packets} packets, flows to the server ${JSON.stringify(flows.map((f) => [f.origPort, f.state, f.process]))}`})`;
          },
        },
      );
      assert.ok(last !== null, 'snapshots arrive');
      assert.ok([...seen.values()].every((name) => name === 'python3'), JSON.stringify([...seen.values()]));
    } finally {
      await client.stop();
      server.kill();
    }
  });
});
