/**
 * Names are attacker-controlled too. Any local user can rename a process (prctl PR_SET_NAME) to
 * terminal escape bytes, and whoever controls an address's reverse zone picks its PTR name. The
 * real binary runs in tmux: live on loopback with a renamed server process, and in a namespace
 * of ours whose resolver is a fake DNS server answering PTR queries with a hostile name. The
 * names show escaped, and the raw pty output holds no sequence but the UI's own. The same run
 * checks the `/process` filter and a redraw on resize.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { deleteNamespace } from '../support/netns.js';
import { scanEscapes, showEscapes, tmuxAvailable, TmuxServer, type TmuxSession } from '../support/tmux.js';
import { waitFor, withTimeout } from '../support/wait-for.js';

const execFileAsync = promisify(execFile);

const REPO_ROOT = new URL('../../', import.meta.url).pathname;
const skip =
  process.getuid?.() !== 0 ? 'needs root (live capture, network namespaces)' : !tmuxAvailable() ? 'tmux is not installed' : !existsSync(join(REPO_ROOT, 'dist/cli.js')) ? 'dist/cli.js is missing: build first' : false;

// 15 bytes at most (the kernel's comm limit): OSC 52 clipboard write, then a bidi override.
const RENAMED_SERVER = String.raw`
import ctypes, http.server, sys
name = b'\x1b]52;c;QQ==\x07\xe2\x80\xae'
ctypes.CDLL(None).prctl(15, ctypes.c_char_p(name), 0, 0, 0)
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), http.server.SimpleHTTPRequestHandler).serve_forever()
`;

function assertCleanPty(session: TmuxSession): void {
  const raw = session.raw().toString('utf8');
  assert.ok(!raw.includes('\x07'), 'no raw BEL in the pty output');
  assert.ok(!raw.includes('\u202e'), 'no raw bidi override in the pty output');
  assert.deepEqual(scanEscapes(raw).unexpected.map(showEscapes), []);
}

describe('hostile names in the real binary', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'snoopy-names-'));
  const tmux = new TmuxServer(dir, `snoopy-names-${process.pid}`);
  const children: ReturnType<typeof spawn>[] = [];
  const ns = `snp-dns-${process.pid}`;
  after(() => {
    for (const c of children) c.kill();
    tmux.kill();
    deleteNamespace(ns);
    rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  test('a renamed process shows escaped; /process narrows the feed; the screen redraws on resize', async () => {
    const port = 20000 + (process.pid % 20000);
    children.push(spawn('python3', ['-c', RENAMED_SERVER, String(port)], { stdio: 'ignore' }));
    const common = ['--history', join(dir, 'h.json'), '--log-dir', join(dir, 'logs'), '--pcap-dir', join(dir, 'pcaps')];
    const session = tmux.start({ name: 'live', width: 160, height: 30, argv: ['node', 'dist/cli.js', '-i', 'lo', ...common], cwd: REPO_ROOT });
    await session.waitForScreen(/LIVE lo/, 30_000, 'the live header');
    await session.key('2', /ORIGIN +RESPONDER/, 'the connections pane');
    // The header says LIVE before the capture delivers packets (and python may still be starting):
    // requests until the connections pane names the server. The PROCESS column cuts the escaped
    // name; its start is enough to see it escaped.
    const named = (s: string) => s.includes(String.raw`\e]52;c;QQ`);
    const screen = await waitFor(
      async () => {
        const now = session.capture();
        if (named(now)) return now;
        await execFileAsync('curl', ['-s', '-o', '/dev/null', '--max-time', '5', `http://127.0.0.1:${port}/`], { timeout: 10_000 }).catch(() => undefined);
        return session.waitForScreen(named, 1000, 'the escaped process name');
      },
      { timeoutMs: 30_000, intervalMs: 100, message: () => `the escaped process name in the connections pane; screen:\n${session.capture()}` },
    );
    assert.ok(!screen.includes('\x1b'));

    // /process: only rows of that process stay in the feed.
    await session.key('1', /TIME +PROTO +SOURCE/, 'the packet feed');
    await session.key('/', /filter>/, 'the filter prompt');
    await session.type('process QQ', (typed) => `filter> ${typed}`);
    const filtered = (await session.key('Enter', /filter: process QQ/, 'the filter in the tab bar'))!;
    const rows = filtered.split('\n').filter((l) => /^[! ] \d\d:\d\d:\d\d /.test(l));
    assert.ok(rows.length > 0, filtered);
    assert.ok(rows.every((r) => r.includes(String.raw`\e]52`)), filtered);

    // Resize: the layout follows the terminal; at 80 columns the Packets pane keeps PROCESS and CC.
    tmux.run(['resize-window', '-t', 'live', '-x', '80', '-y', '24']);
    const small = await session.waitForScreen((s) => s.split('\n').some((l) => /1 Packets\s+2 Conns\s/.test(l)) && /PROCESS +CC/.test(s), 5000, 'the 80-column layout');
    assert.ok(small.split('\n').every((l) => [...l].length <= 80));

    await session.key('q');
    await session.waitForExit(15_000);
    assertCleanPty(session);
  });

  test('a hostile reverse-DNS name shows escaped', async () => {
    // Our namespace with its own resolv.conf (ip netns exec bind-mounts /etc/netns/NS/*).
    execFileSync('ip', ['netns', 'add', ns]);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    mkdirSync(`/etc/netns/${ns}`, { recursive: true });
    writeFileSync(`/etc/netns/${ns}/resolv.conf`, 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
    const dns = spawn('ip', ['netns', 'exec', ns, 'python3', join(REPO_ROOT, 'test/support/fake-ptr-dns.py')], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(dns);
    // The fake server prints a line once it is bound.
    await withTimeout(new Promise<void>((resolve) => dns.stdout!.once('data', () => resolve())), 20_000, 'the fake DNS server to start');
    const session = tmux.start({
      name: 'dns',
      width: 160,
      height: 30,
      argv: ['ip', 'netns', 'exec', ns, 'node', 'dist/cli.js', '--replay', 'fixtures/nmap-syn-public.pcap', '--speed', '20'],
      cwd: REPO_ROOT,
    });
    await session.waitForScreen(/end of replay/, 30_000, 'the end of the replay');
    const screen = (await session.key('3', (s) => /81\.2\.69\.142 .* evil/.test(s), 'the attacker with its reverse-DNS name', 10_000))!;
    assert.ok(!screen.includes('\x1b'));
    await session.key('q');
    await session.waitForExit(15_000);
    assertCleanPty(session);
  });
});
