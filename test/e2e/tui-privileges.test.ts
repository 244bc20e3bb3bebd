/**
 * Privilege separation with the real binary in a real terminal: run as root with SUDO_UID and
 * SUDO_GID of the unprivileged user `nobody` (what `sudo snoopy-tui` looks like), the UI process
 * must drop to that user (groups cleared) while the engine it forked stays uid 0, and the UI
 * must still work: it renders, and the history pane loads a history file that only root can
 * read (the engine reads it, not the UI).
 *
 * A replay of a recorded fixture: no network traffic. Needs root, tmux, the user `nobody` and a
 * built dist/; skipped with the reason otherwise.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { HistoryStore } from '../../src/store/history/history-store.js';
import { sampleEntry } from '../unit/store/sample-entries.js';
import { processAlive, tmuxAvailable, TmuxServer } from '../support/tmux.js';
import { waitFor } from '../support/wait-for.js';

const REPO_ROOT = new URL('../../', import.meta.url).pathname;
const CLI = 'dist/cli.js';
const TAB_BAR = /1 Packets\s+2 Connections\s+3 Alerts/;

function idsOf(name: string): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return null;
  }
}

const nobody = idsOf('nobody');
const skipReason: string | null = (() => {
  if (process.platform !== 'linux') return 'needs Linux (/proc)';
  if (process.getuid?.() !== 0) return 'needs root (the test plays sudo)';
  if (!tmuxAvailable()) return 'tmux is not installed (apt-get install tmux)';
  if (nobody === null || nobody.uid === 0) return 'no unprivileged user nobody';
  if (!existsSync(join(REPO_ROOT, CLI))) return `${CLI} is missing: build first with npx tsc -p .`;
  return null;
})();

/** The Uid:, Gid: and Groups: lines of /proc/PID/status, as numbers. */
function credentials(pid: number): { uid: number[]; gid: number[]; groups: number[] } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) =>
    (new RegExp(`^${name}:(.*)$`, 'm').exec(status)?.[1] ?? '')
      .trim()
      .split(/\s+/)
      .filter((w) => w !== '')
      .map(Number);
  return { uid: field('Uid'), gid: field('Gid'), groups: field('Groups') };
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

let dir: string | null = null;
let server: TmuxServer | null = null;

after(() => {
  server?.kill();
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
});

describe('privilege separation (real binary, tmux)', { skip: skipReason ?? false }, () => {
  test('under sudo the UI runs as the invoking user, the engine stays root, and the history still loads', async () => {
    dir = mkdtempSync(join(tmpdir(), 'snoopy-priv-'));
    // Root-only: the UI (nobody) could not read this history; the engine (root) can.
    const historyDir = join(dir, 'private');
    execFileSync('mkdir', ['-m', '700', historyDir]);
    const historyFile = join(historyDir, 'history.json');
    const { store } = await HistoryStore.open(historyFile, { flushOnExit: false });
    for (let n = 1; n <= 3; n++) store.add(sampleEntry(n));
    await store.close();
    chmodSync(historyFile, 0o600);

    server = new TmuxServer(join(dir, 'tmux'), `snoopy-priv-${process.pid}`);
    const session = server.start({
      name: 'priv',
      width: 120,
      height: 30,
      cwd: REPO_ROOT,
      argv: [process.execPath, CLI, '--replay', 'fixtures/nmap-syn.pcap', '--history', historyFile],
      env: { SUDO_UID: String(nobody!.uid), SUDO_GID: String(nobody!.gid), SUDO_USER: 'nobody', NO_COLOR: null, CI: null },
    });
    await session.waitForScreen(TAB_BAR, 30_000, 'the UI to render');

    const ui = session.findProcesses(CLI).filter((pid) => !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('engine-process'));
    assert.equal(ui.length, 1, `one UI process (found ${ui.join(', ')})`);
    const uiPid = ui[0]!;
    const engines = session.findProcesses('engine-process').filter((pid) => parentOf(pid) === uiPid);
    assert.equal(engines.length, 1, 'the UI forked one engine process');
    const enginePid = engines[0]!;

    const uiCreds = credentials(uiPid);
    // Real, effective, saved and filesystem ids: all the invoking user, so root cannot come back.
    assert.deepEqual(uiCreds.uid, [nobody!.uid, nobody!.uid, nobody!.uid, nobody!.uid], `UI Uid line: ${uiCreds.uid.join(' ')}`);
    assert.deepEqual(uiCreds.gid, [nobody!.gid, nobody!.gid, nobody!.gid, nobody!.gid], `UI Gid line: ${uiCreds.gid.join(' ')}`);
    assert.deepEqual(uiCreds.groups, [], 'supplementary groups cleared');
    const engineCreds = credentials(enginePid);
    assert.deepEqual(engineCreds.uid, [0, 0, 0, 0], `engine Uid line: ${engineCreds.uid.join(' ')}`);

    // The UI still works: the replay runs to its end, and the history pane shows the file's
    // entries (read by the engine: the UI could not open that file itself).
    await session.waitForScreen(/\[end of replay\]/, 30_000, 'the end of the replay');
    const history = (await session.key('5', /203\.0\.113\.1\b/, 'the history pane over the history file', 10_000))!;
    // The three entries written above, besides the replay's own PORT_SCAN alert.
    for (const n of [1, 2, 3]) assert.match(history, new RegExp(`203\\.0\\.113\\.${n}\\b`), `entry ${n} of the file is shown`);

    await session.key('q');
    assert.equal(await session.waitForExit(15_000), 0, 'q exits with status 0');
    // The unprivileged UI cannot signal the root engine; it must still end (IPC disconnect).
    await waitFor(() => !processAlive(enginePid), { timeoutMs: 10_000, intervalMs: 50, message: `the engine (pid ${enginePid}) to end with the UI` });
  });
});
