/**
 * A process name is attacker-controlled too: any local user can rename a process (prctl
 * PR_SET_NAME) to terminal escape bytes. A python server renames itself, the real binary runs
 * live on loopback in tmux, a connection to the server makes its name show up in the
 * connections pane — escaped — and the raw pty output holds no sequence but the UI's own.
 */
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { scanEscapes, showEscapes, tmuxAvailable, TmuxServer } from '../support/tmux.js';

const REPO_ROOT = new URL('../../', import.meta.url).pathname;
const skip =
  process.getuid?.() !== 0 ? 'needs root (live capture on lo)' : !tmuxAvailable() ? 'tmux is not installed' : !existsSync(join(REPO_ROOT, 'dist/cli.js')) ? 'dist/cli.js is missing: build first' : false;

// 15 bytes at most (the kernel's comm limit): OSC 52 clipboard write, then a bidi override.
const SERVER = String.raw`
import ctypes, http.server, sys
name = b'\x1b]52;c;QQ==\x07\xe2\x80\xae'
ctypes.CDLL(None).prctl(15, ctypes.c_char_p(name), 0, 0, 0)
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), http.server.SimpleHTTPRequestHandler).serve_forever()
`;

describe('hostile process names in the real binary', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'snoopy-procname-'));
  const tmux = new TmuxServer(dir, `snoopy-procname-${process.pid}`);
  const port = 20000 + (process.pid % 20000);
  const server = spawn('python3', ['-c', SERVER, String(port)], { stdio: 'ignore' });
  after(() => {
    server.kill();
    tmux.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the name is shown escaped and never reaches the terminal raw', async () => {
    const session = tmux.start({ name: 'ui', width: 160, height: 30, argv: ['node', 'dist/cli.js', '-i', 'lo', '--history', join(dir, 'h.json'), '--log-dir', join(dir, 'logs')], cwd: REPO_ROOT });
    await session.waitForScreen(/LIVE lo/, 10_000, 'the live header');
    await sleep(1000);
    for (let i = 0; i < 3; i++) execFileSync('curl', ['-s', '-o', '/dev/null', `http://127.0.0.1:${port}/`]);
    await session.keys(['2']);
    // The PROCESS column cuts the escaped name; its start is enough to see it escaped.
    const screen = await session.waitForScreen((s) => s.includes(String.raw`\e]52;c;QQ`), 8000, 'the escaped process name');
    assert.ok(!screen.includes('\x1b'));
    await session.keys(['q']);
    await session.waitForExit(5000);
    const raw = session.raw().toString('utf8');
    assert.ok(!raw.includes('\x07'), 'no raw BEL in the pty output');
    assert.ok(!raw.includes('\u202e'), 'no raw bidi override in the pty output');
    const scan = scanEscapes(raw);
    assert.deepEqual(scan.unexpected.map(showEscapes), []);
  });
});
