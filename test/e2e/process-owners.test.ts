/**
 * End to end, real processes: which process owns a connection, answered from /proc.
 *
 * - Host loopback: a `python3 -m http.server` child on 127.0.0.1, a client socket of this test,
 *   and a short-lived `curl` against a server of this test that delays its answer; the lookup is
 *   made when the connection is accepted, while curl is running. Needs Linux, python3 and curl
 *   (not root: our own children's /proc/PID/fd are readable).
 * - Network namespace (root): the same server, a python client and curl all inside a namespace
 *   made here (`snp-po-<pid>`, loopback only). The lookup reads that namespace's socket tables
 *   through /proc/<server pid>/net — the fd scan is the same, /proc shows every process.
 *
 * Traffic stays on loopback. Lookup latency on this machine is printed as test
 * diagnostics (cold: table read + full fd scan; cached: inode cache hit), never asserted.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { LinuxProcLookup } from '../../src/platform/process-owners/linux-proc-lookup.js';
import type { SocketKey } from '../../src/platform/process-owners/process-owner-lookup.js';
import { onPath, spawnIn, stopChild } from '../support/netns.js';
import { deleteNamespace } from '../support/netns.js';
import { waitFor, withTimeout } from '../support/wait-for.js';
import { realClock, type Clock } from '../../src/platform/process-owners/rate-limited-task.js';

const NS_PREFIX = 'snp-po-';

const loopbackSkip: string | null = (() => {
  if (process.platform !== 'linux') return 'reads /proc: Linux only';
  const missing = ['python3', 'curl'].filter((t) => !onPath(t));
  return missing.length > 0 ? `missing tools: ${missing.join(', ')}` : null;
})();

const netnsSkip: string | null = (() => {
  if (loopbackSkip !== null) return loopbackSkip;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'needs root (network namespaces)';
  if (!onPath('ip')) return 'missing tools: ip';
  return null;
})();

/** The real interpreter behind python3 (pyenv shims fork, so their pid would not be the server's). */
let python = 'python3';
let workDir = '';
const children = new Set<ChildProcess>();

before(() => {
  if (loopbackSkip !== null) return;
  python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8', timeout: 10_000 }).trim() || 'python3';
  workDir = mkdtempSync(join(tmpdir(), 'snoopy-po-'));
});

after(async () => {
  await Promise.all([...children].map((c) => stopChild(c, 'SIGKILL')));
  if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
});

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Resolves with the first stdout line matching `re` (its match), rejects on exit or timeout. */
function waitForLine(child: ChildProcess, re: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    const timer = setTimeout(() => done(new Error(`no line matching ${re} within ${timeoutMs} ms; stdout ${JSON.stringify(buffered)} stderr ${JSON.stringify(stderr)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const m = re.exec(buffered);
      if (m) done(null, m);
    };
    const onErr = (chunk: Buffer) => (stderr += chunk.toString());
    const onExit = (code: number | null) => done(new Error(`exited (${code}) before a line matching ${re}; stderr ${JSON.stringify(stderr)}`));
    function done(err: Error | null, m?: RegExpExecArray) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onErr);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(m!);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onErr);
    child.once('exit', onExit);
  });
}

const SERVING = /Serving HTTP on \S+ port (\d+)/;

const key = (localPort: number, remotePort: number | null): SocketKey => ({
  proto: 'tcp',
  localAddress: '127.0.0.1',
  localPort,
  remoteAddress: remotePort === null ? null : '127.0.0.1',
  remotePort,
});

/** The real clock, which the test can move forward at once (to age caches without sleeping). */
function skewableClock(): Clock & { skip(ms: number): void } {
  let skew = 0;
  return {
    now: () => realClock.now() + skew,
    sleep: (ms) => realClock.sleep(ms),
    skip: (ms) => {
      skew += ms;
    },
  };
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await f();
  return [v, performance.now() - t0];
}

function commOf(pid: number): string {
  return execFileSync('cat', [`/proc/${pid}/comm`], { encoding: 'utf8' }).trim();
}

describe('process owners on host loopback', { skip: loopbackSkip ?? false }, () => {
  test('python3 http.server and this test as client: each end names its process', async (t: TestContext) => {
    const server = track(spawn(python, ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1'], { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] }));
    const port = Number((await waitForLine(server, SERVING))[1]);
    const client: Socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => client.once('connect', resolve).once('error', reject));
    const clientPort = client.localPort!;
    const lookup = new LinuxProcLookup();
    try {
      const [serverSide, coldMs] = await timed(() => lookup.lookup(key(port, clientPort)));
      assert.ok(serverSide, 'server end resolved');
      assert.equal(serverSide.pid, server.pid);
      assert.equal(serverSide.name, 'python3');
      assert.match(serverSide.commandLine, /-m http\.server 0 --bind 127\.0\.0\.1$/);
      assert.equal(serverSide.uid, process.getuid!());
      const clientSide = await lookup.lookup({ proto: 'tcp', localAddress: '::ffff:127.0.0.1', localPort: clientPort, remoteAddress: '127.0.0.1', remotePort: port });
      assert.ok(clientSide, 'client end resolved');
      assert.equal(clientSide.pid, process.pid);
      assert.equal(clientSide.name, commOf(process.pid));
      assert.equal(clientSide.name, 'node');
      assert.equal((await lookup.lookup(key(port, null)))?.pid, server.pid, 'the listener');
      assert.equal((await lookup.lookup(key(port, 1)))?.pid, server.pid, 'a new peer → the listener');

      const [, cachedMs] = await timed(() => lookup.lookup(key(port, clientPort)));
      const n = 200;
      const [, manyMs] = await timed(async () => {
        for (let i = 0; i < n; i++) await lookup.lookup(key(port, clientPort));
      });
      const s = lookup.stats();
      t.diagnostic(`cold lookup ${coldMs.toFixed(1)} ms (full scan ${s.lastScan?.ms.toFixed(1)} ms over ${s.lastScan?.processes} processes, ${s.lastScan?.readlinks} fds)`);
      t.diagnostic(`cached lookup ${cachedMs.toFixed(2)} ms; ${n} sequential cached lookups ${(manyMs / n).toFixed(3)} ms each`);
      t.diagnostic(`stats ${JSON.stringify({ hits: s.hits, misses: s.misses, rescans: s.rescans, cacheSize: s.cacheSize, tableReads: s.tableReads })}`);
      assert.equal(s.rescans, 1, 'one scan served every lookup');
    } finally {
      lookup.close();
      client.destroy();
      await stopChild(server);
    }
  });

  test('a short-lived curl is named, looked up when its connection is accepted', async (t: TestContext) => {
    const accepted: { remotePort: number; at: number }[] = [];
    let onAccept: (p: number) => void = () => {};
    // The answer is held until the lookups are done, so curl is still running while they run.
    const held: ServerResponse[] = [];
    const server: Server = createServer((_req, res) => {
      held.push(res);
    });
    server.on('connection', (sock: Socket) => {
      accepted.push({ remotePort: sock.remotePort!, at: performance.now() });
      onAccept(sock.remotePort!);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const clock = skewableClock();
    const lookup = new LinuxProcLookup({ clock });
    try {
      const acceptedPort = new Promise<number>((resolve) => (onAccept = resolve));
      const curl = track(spawn('curl', ['-s', '--max-time', '30', `http://127.0.0.1:${port}/`], { stdio: ['ignore', 'pipe', 'pipe'] }));
      const exited = new Promise<number | null>((resolve) => curl.once('exit', resolve));
      const curlPort = await acceptedPort;
      const [owner, ms] = await timed(() => lookup.lookup(key(curlPort, port)));
      assert.ok(owner, 'curl resolved while it runs');
      assert.equal(owner.name, 'curl');
      assert.equal(owner.pid, curl.pid);
      assert.match(owner.commandLine, /^curl -s --max-time 30 http:\/\/127\.0\.0\.1:\d+\/$/);
      const serverEnd = await lookup.lookup(key(port, curlPort));
      assert.equal(serverEnd?.pid, process.pid);
      t.diagnostic(`curl named ${ms.toFixed(1)} ms after the accept (cold cache)`);
      await waitFor(() => held.length === 1, { message: "curl's request to reach the server" });
      held[0]!.end('late\n');
      assert.equal(await withTimeout(exited, 15_000, 'curl to exit'), 0);
      // After curl exits its end is gone (or TIME_WAIT, inode 0): unknown, said honestly. The
      // lookup may answer from socket tables read up to 25 ms (tableIntervalMs) before it is
      // asked, i.e. from before curl exited: its clock is moved past that instead of sleeping.
      clock.skip(1000);
      assert.equal(await lookup.lookup(key(curlPort, port)), null);
    } finally {
      lookup.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('process owners inside a network namespace', { skip: netnsSkip ?? false }, () => {
  const ns = `${NS_PREFIX}${process.pid}`;

  before(() => {
    if (netnsSkip !== null) return;
    sweepStale();
    execFileSync('ip', ['netns', 'add', ns], { stdio: 'pipe', timeout: 5000 });
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up'], { stdio: 'pipe', timeout: 5000 });
  });

  after(async () => {
    if (netnsSkip !== null) return;
    await Promise.all([...children].map((c) => stopChild(c, 'SIGKILL')));
    deleteNamespace(ns);
  });

  test('server, client and curl in the namespace are named from its socket tables', async (t: TestContext) => {
    const server = track(spawnIn(ns, [python, '-u', '-m', 'http.server', '0', '--bind', '127.0.0.1'], { cwd: workDir }));
    const port = Number((await waitForLine(server, SERVING))[1]);
    const client = track(
      spawnIn(ns, [python, '-u', '-c', 'import socket,sys,time\ns=socket.create_connection(("127.0.0.1",int(sys.argv[1])))\nprint("local", s.getsockname()[1], flush=True)\ntime.sleep(60)', String(port)]),
    );
    const clientPort = Number((await waitForLine(client, /local (\d+)/))[1]);

    const inside = new LinuxProcLookup({ procNetDir: `/proc/${server.pid}/net` });
    const host = new LinuxProcLookup();
    try {
      const [serverSide, coldMs] = await timed(() => inside.lookup(key(port, clientPort)));
      assert.ok(serverSide, 'server end resolved');
      assert.equal(serverSide.pid, server.pid);
      assert.equal(serverSide.name, 'python3');
      const clientSide = await inside.lookup(key(clientPort, port));
      assert.equal(clientSide?.pid, client.pid);
      assert.equal(clientSide?.name, 'python3');
      assert.match(clientSide?.commandLine ?? '', /^\S*python3 -u -c import socket/);
      // Our own namespace's tables do not hold these sockets.
      assert.equal(await host.lookup(key(port, clientPort)), null);

      // A short-lived curl in the namespace, against a server there that delays its answer.
      // It answers only when told on stdin (after the lookup), so curl is still running meanwhile.
      const delay = track(
        spawnIn(
          ns,
          [
            process.execPath,
            '-e',
            `const held=[];const s=require('node:http').createServer((q,r)=>held.push(r));
             s.on('connection',c=>console.log('conn',c.remotePort));
             process.stdin.on('data',()=>{for(const r of held.splice(0))r.end('late\\n')});
             s.listen(0,'127.0.0.1',()=>console.log('port',s.address().port));`,
          ],
          { stdio: ['pipe', 'pipe', 'pipe'] },
        ),
      );
      const delayPort = Number((await waitForLine(delay, /port (\d+)/))[1]);
      const accepted = waitForLine(delay, /conn (\d+)/);
      const curl = track(spawnIn(ns, ['curl', '-s', '--max-time', '30', `http://127.0.0.1:${delayPort}/`]));
      const exited = new Promise<number | null>((resolve) => curl.once('exit', resolve));
      const curlPort = Number((await accepted)[1]);
      const delayInside = new LinuxProcLookup({ procNetDir: `/proc/${delay.pid}/net` });
      const [curlOwner, curlMs] = await timed(() => delayInside.lookup(key(curlPort, delayPort)));
      assert.ok(curlOwner, 'curl resolved while it runs');
      assert.equal(curlOwner.name, 'curl');
      assert.equal(curlOwner.pid, curl.pid);
      delay.stdin!.write('answer\n');
      assert.equal(await withTimeout(exited, 15_000, 'curl to exit'), 0);
      delayInside.close();
      t.diagnostic(`in namespace: cold lookup ${coldMs.toFixed(1)} ms; curl named in ${curlMs.toFixed(1)} ms`);
      await stopChild(delay);
    } finally {
      inside.close();
      host.close();
      await stopChild(client);
      await stopChild(server);
    }
  });
});

/** Namespaces `snp-po-<pid>` left by runs whose process is gone. */
function sweepStale(): void {
  let listing = '';
  try {
    listing = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 5000 });
  } catch {
    return;
  }
  for (const line of listing.split('\n')) {
    const m = new RegExp(`^(${NS_PREFIX}(\\d+))\\b`).exec(line);
    if (!m || Number(m[2]) === process.pid) continue;
    try {
      process.kill(Number(m[2]), 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') deleteNamespace(m[1]!);
    }
  }
}
