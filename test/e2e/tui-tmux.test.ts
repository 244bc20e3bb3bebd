/**
 * The real binary in a real terminal: `node dist/cli.js --replay FILE` runs in detached tmux
 * sessions on a private socket; keys go in with send-keys, the screen comes back with
 * capture-pane, and pipe-pane keeps the raw pty output so the escape sequences the program
 * writes can be checked byte by byte.
 *
 * Every session is started up front (they replay concurrently), then driven one after the other.
 * No network traffic at all: replays of recorded fixtures only.
 *
 * Needs tmux and a built dist/ (`npx tsc -p .`); skipped with the reason otherwise.
 * SNOOPY_TMUX_KEEP=1 keeps the raw pty output of every session (the path is printed).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { descendants, processAlive, scanEscapes, showEscapes, tmuxAvailable, TmuxServer, type TmuxSession, WRAPPER_EXIT_LINE } from '../support/tmux.js';
import { waitFor } from '../support/wait-for.js';

const REPO_ROOT = new URL('../../', import.meta.url).pathname;
const CLI = 'dist/cli.js';

const skipReason: string | null = (() => {
  if (process.platform !== 'linux') return 'needs Linux (/proc is used to find the program and its engine)';
  if (!tmuxAvailable()) return 'tmux is not installed (apt-get install tmux)';
  if (!existsSync(join(REPO_ROOT, CLI))) return `${CLI} is missing: build first with npx tsc -p .`;
  return null;
})();

/** The tab bar: the one line that is always on screen while the UI runs. */
const TAB_BAR = /1 Packets\s+2 Connections\s+3 Alerts/;
const END_OF_REPLAY = /REPLAY .*\[end of replay\]/;
/** A feed row: time, protocol, source, destination. */
const FEED_ROW = /^[! ] \d\d:\d\d:\d\d\s+(\S+)\s+(\S+)\s+(\S+)/;

/** Colour runs: a terminal that supports colour, whatever the test runner's environment says. */
const COLOUR_ENV = { NO_COLOR: null, FORCE_COLOR: null, CI: null };

let server: TmuxServer | null = null;
let dir: string | null = null;
const sessions: Record<string, TmuxSession> = {};

function replay(name: string, fixture: string, width: number, height: number, env: Record<string, string | null> = COLOUR_ENV): void {
  sessions[name] = server!.start({
    name,
    width,
    height,
    cwd: REPO_ROOT,
    argv: [process.execPath, CLI, '--replay', `fixtures/${fixture}`],
    env,
  });
}

function s(name: string): TmuxSession {
  const session = sessions[name];
  assert.ok(session, `session ${name} was started in before()`);
  return session;
}

function feedRows(screen: string): { proto: string; src: string; dst: string; line: string }[] {
  return screen
    .split('\n')
    .map((line) => ({ line, m: FEED_ROW.exec(line) }))
    .filter((r) => r.m !== null)
    .map(({ line, m }) => ({ proto: m![1]!, src: m![2]!, dst: m![3]!, line }));
}

const tabBarLine = (screen: string): string => screen.split('\n').find((l) => TAB_BAR.test(l)) ?? '';
const involvesPort = (endpoint: string, port: number): boolean => endpoint.endsWith(`:${port}`);

/** Exit, then the normal screen again: the wrapper's line is there and the UI's tab bar is not. */
async function assertLeftCleanly(session: TmuxSession, allowedStatus: number[]): Promise<Buffer> {
  const status = await session.waitForExit(15_000);
  assert.ok(allowedStatus.includes(status), `exit status ${status}, want one of ${allowedStatus.join(', ')}`);
  const screen = await session.waitForScreen(WRAPPER_EXIT_LINE, 5000, 'the wrapper line after exit');
  assert.doesNotMatch(screen, TAB_BAR, `the UI is still on screen after exit (alternate screen not left?):\n${screen}`);
  const raw = await session.waitForRaw('[wrapper] exit status', 5000);
  const enter = raw.indexOf('\x1b[?1049h');
  const leave = raw.lastIndexOf('\x1b[?1049l');
  assert.ok(enter >= 0, 'the raw output enters the alternate screen (\\e[?1049h)');
  assert.ok(leave > enter, 'the raw output leaves the alternate screen (\\e[?1049l) after entering it');
  // Nothing of the UI is drawn after the leave: only the wrapper's own line follows.
  const tail = raw.subarray(leave + '\x1b[?1049l'.length, raw.indexOf('[wrapper] exit status')).toString('utf8');
  assert.ok(!/\x1b\[[0-9;]*m|[A-Za-z]{3,}/.test(tail), `UI output after leaving the alternate screen: ${showEscapes(tail)}`);
  return raw;
}

describe('snoopy-tui in tmux (real binary, real terminal)', { skip: skipReason ?? false }, () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'snoopy-tmux-'));
    server = new TmuxServer(dir);
    process.once('exit', () => server?.kill());
    replay('main', 'nmap-syn.pcap', 100, 30);
    replay('filter', 'benign-mixed.pcapng', 100, 30);
    // Tall and wide: every one of the 68 packets and the whole INFO column (110 columns) fit.
    replay('inject', 'http-injection.pcap', 200, 90);
    replay('benign', 'benign-http.pcap', 200, 90);
    replay('nocolor', 'nmap-syn.pcap', 100, 30, { ...COLOUR_ENV, NO_COLOR: '1' });
    replay('enginekill', 'benign-mixed.pcapng', 80, 24);
    // The terminal goes away under it: stderr and the exit status go to files, since the pane goes too.
    sessions['closed'] = server!.start({
      name: 'closed',
      width: 80,
      height: 24,
      cwd: REPO_ROOT,
      // The shell ignores the hangup so it can record how snoopy-tui ended.
      argv: ['sh', '-c', `trap '' HUP; "$0" ${CLI} --replay fixtures/benign-mixed.pcapng 2>"$1"; echo $? > "$2"`, process.execPath, join(dir!, 'closed.err'), join(dir!, 'closed.status')],
      env: COLOUR_ENV,
    });
  });

  after(() => {
    server?.kill();
    // SNOOPY_TMUX_KEEP=1 keeps the wrappers, raw pty output and status files for a look.
    if (dir !== null && process.env['SNOOPY_TMUX_KEEP'] === '1') process.stderr.write(`tmux test files kept in ${dir}\n`);
    else if (dir !== null) rmSync(dir, { recursive: true, force: true });
  });

  test('replay header, end of replay, and the PORT_SCAN alert from 10.77.0.1 in pane 3', async () => {
    const main = s('main');
    const first = await main.waitForScreen(END_OF_REPLAY, 30_000, 'REPLAY … [end of replay] in the header');
    assert.match(first, /snoopy-tui REPLAY fixtures\/nmap-syn\.pcap/);
    assert.match(first, TAB_BAR);
    const alerts = (await main.key('3', /PORT_SCAN/, 'the PORT_SCAN alert'))!;
    const row = alerts.split('\n').find((l) => /PORT_SCAN/.test(l));
    assert.match(row ?? '', /10\.77\.0\.1\b/, `the alert row names the attacker: ${row}`);
    assert.match(tabBarLine(alerts), /3 Alerts \(1\)/);
  });

  test('block from the alerts pane: prompt names the address and reason, y records a dry-run block, history shows it', async () => {
    const main = s('main');
    const prompt = (await main.key('b', /Block\? y \/ N/, 'the block prompt'))!;
    assert.match(prompt, /Block 10\.77\.0\.1\b/);
    assert.match(prompt, /PORT_SCAN \(high\) SYN 1000 ports/);
    assert.match(prompt, /dry run/);
    const notice = (await main.key('y', /dry run: recorded block of 10\.77\.0\.1/, 'the dry-run notice'))!;
    assert.doesNotMatch(notice, /Block\? y \/ N/, 'the prompt closed');
    const blocked = (await main.key('4', /^\s*10\.77\.0\.1\b.*dry_run/m, 'the blocked row with dry_run'))!;
    assert.match(tabBarLine(blocked), /4 Blocked \(1\)/);
    const history = (await main.key('5', /\bblock\b.*10\.77\.0\.1/, 'a block event in the history pane'))!;
    assert.match(history, /\balert\b.*10\.77\.0\.1.*PORT_SCAN/, 'the alert is in the history too');
    assert.match(history.split('\n').find((l) => /\bblock\b.*10\.77\.0\.1/.test(l)) ?? '', /dry_run/);
  });

  test('q exits with status 0, leaves the alternate screen, and the shell is back', async () => {
    const main = s('main');
    await main.key('q');
    await assertLeftCleanly(main, [0]);
  });

  // nmap-syn.pcap cannot be used here: its port-22 probes are among the first of 2010 packets
  // and the feed keeps the last 1000, so "port 22" would show an empty feed. benign-mixed has
  // ssh (22) and http (80) conversations, all of them in the feed: the filter has something to drop.
  test('filter in the packet feed: valid filter applies, invalid one is refused inline and the previous stays, Esc clears', async () => {
    const f = s('filter');
    const all = await f.waitForScreen(END_OF_REPLAY, 30_000, 'end of replay');
    const unfiltered = feedRows((await f.key('1', (sc) => feedRows(sc).length > 10, 'feed rows'))!);
    assert.ok(unfiltered.some((r) => !involvesPort(r.src, 22) && !involvesPort(r.dst, 22)), `unfiltered, the feed shows other traffic than port 22:\n${all}`);

    await f.key('/', /filter>/, 'the filter prompt');
    await f.type('ip 10.77.0.2 and port 22', (typed) => `filter> ${typed}`);
    const filtered = (await f.key('Enter', (sc) => /\/ip 10\.77\.0\.2 and port 22/.test(tabBarLine(sc)) && !/filter>/.test(sc), 'the filter in the tab bar, prompt closed'))!;
    const rows = feedRows(filtered);
    assert.ok(rows.length > 0, `the filter matches the ssh packets:\n${filtered}`);
    for (const r of rows) {
      assert.ok(involvesPort(r.src, 22) || involvesPort(r.dst, 22), `row does not involve port 22: ${r.line}`);
      assert.ok(r.src.startsWith('10.77.0.2:') || r.dst.startsWith('10.77.0.2:'), `row does not involve 10.77.0.2: ${r.line}`);
    }

    // The prompt reopens empty with the filter in force as a hint; ↑ brings it back, Ctrl-U empties it.
    await f.key('/', /filter> +now: ip 10\.77\.0\.2 and port 22/, 'the empty prompt with the current filter as a hint');
    await f.key('Up', /filter> ip 10\.77\.0\.2 and port 22/, 'the current filter recalled with ↑');
    await f.key('C-u', /filter> +now: ip 10\.77\.0\.2/, 'an empty prompt after Ctrl-U');
    await f.type('prot tcp', (typed) => `filter> ${typed}`);
    const refused = (await f.key('Enter', (sc) => /filter> prot tcp/.test(sc) && /\(at \d+\)/.test(sc), 'the inline error under the prompt'))!;
    const errorLine = refused.split('\n').find((l) => /\(at \d+\)/.test(l)) ?? '';
    assert.match(errorLine, /prot/, `the error names the bad word: ${errorLine}`);
    assert.match(tabBarLine(refused), /\/ip 10\.77\.0\.2 and port 22/, 'the previous filter stays in force');
    for (const r of feedRows(refused)) assert.ok(involvesPort(r.src, 22) || involvesPort(r.dst, 22), `still filtered: ${r.line}`);

    // Esc closes the prompt (the filter stays), the next Esc clears the filter.
    let screen = (await f.key('Escape', (sc) => !/filter>/.test(sc), 'the prompt closed by Esc'))!;
    if (/ \/ip /.test(tabBarLine(screen))) {
      screen = (await f.key('Escape', (sc) => !/ \/ip /.test(tabBarLine(sc)), 'the filter cleared by Esc'))!;
    }
    assert.doesNotMatch(tabBarLine(screen), / \/ip /);
    // Packets chosen anew after the filter changes: while the replay runs, other traffic comes back.
    // Once it has ended no new packet arrives, and the last ones the file holds may all be ssh.
    if (!/end of replay/.test(screen)) {
      assert.ok(feedRows(screen).some((r) => !involvesPort(r.src, 22) && !involvesPort(r.dst, 22)), `other traffic is back:\n${screen}`);
    }
  });

  test('SIGTERM to the node process restores the terminal and ends the engine too', async () => {
    const f = s('filter');
    const [cli] = f.findProcesses(CLI);
    assert.ok(cli !== undefined, 'the node process running dist/cli.js');
    const engine = descendants(cli);
    assert.ok(engine.length > 0, 'the forked engine process');
    process.kill(cli, 'SIGTERM');
    // run-tui quits with 0 on SIGTERM (a requested stop); 143 would be the conventional alternative.
    await assertLeftCleanly(f, [0, 143]);
    await waitFor(() => !engine.some(processAlive), { timeoutMs: 10_000, intervalMs: 50, message: () => `the engine process to exit with the UI (alive: ${engine.filter(processAlive).join(', ')})` });
  });

  test('terminal injection: hostile bytes from the capture are shown escaped and never reach the terminal raw', async (t) => {
    const inj = s('inject');
    const screen = await inj.waitForScreen((sc) => END_OF_REPLAY.test(sc) && /GET \/plain\.html/.test(sc), 30_000, 'all requests of the injection replay');
    // Quit first: the raw bytes are checked before the screen, so an unsanitized path is
    // reported by what reached the terminal.
    await inj.key('q');
    const raw = await assertLeftCleanly(inj, [0]);
    const text = raw.toString('utf8');

    // What the raw bytes must never contain.
    assert.ok(!text.includes('\ufffd'), 'the raw output is valid UTF-8 (a lone 0x9b byte would not be)');
    for (const [cp, name] of [
      [0x07, 'BEL'],
      [0x08, 'BS'],
      [0x9b, 'C1 CSI'],
      [0x202e, 'RIGHT-TO-LEFT OVERRIDE'],
    ] as const) {
      assert.ok(!text.includes(String.fromCodePoint(cp)), `no raw ${name} (U+${cp.toString(16)}) in the pty output`);
    }
    assert.ok(!text.includes('\x1b]'), 'no OSC sequence (\\e]) in the pty output');
    for (const payload of ['\x1b[2Jcleared', 'cleared\x1b[31mred', '\x1b]52;', '\x1b]8;;']) {
      assert.ok(!text.includes(payload), `the capture's ${showEscapes(payload)} is not written raw`);
    }
    assert.ok(text.includes(String.raw`/\e[2Jcleared\e[31mred`), 'the escaped form went through the pty (pipe-pane saw the frames)');

    // Every escape sequence is one Ink or our code writes…
    const scan = scanEscapes(text);
    assert.deepEqual(scan.unexpected.map(showEscapes), [], 'escape sequences outside the allow-list');
    // …and no kind of sequence appears that a benign replay does not produce too.
    const benign = s('benign');
    await benign.waitForScreen(END_OF_REPLAY, 30_000, 'end of the benign replay');
    await benign.key('q');
    const baseline = scanEscapes((await assertLeftCleanly(benign, [0])).toString('utf8'));
    assert.deepEqual(baseline.unexpected.map(showEscapes), [], 'benign run: escape sequences outside the allow-list');
    const extra = [...scan.kinds].filter((k) => !baseline.kinds.has(k));
    assert.deepEqual(extra.map(showEscapes), [], 'escape-sequence kinds in the injection run but not in the benign run');
    if (!baseline.kinds.has('\x1b[NJ') && !baseline.kinds.has('\x1b[J')) {
      assert.ok(!/\x1b\[[0-9]*J/.test(text), 'no erase-display sequence in the injection run');
    }

    // The screen (captured before q) shows every hostile byte as its escape.
    const expected = [
      String.raw`GET /\e[2Jcleared\e[31mred Host: 10.77.0.2 UA: curl-csi`,
      String.raw`GET /clip Host: \e]52;c;SGVsbG8=\avictim UA: \e]8;;http://evil.example/\e\\click\e]8;;\e\\`,
      String.raw`GET /overwrite Host: good\rEVIL UA: abc\b\b\bXYZ`,
      String.raw`UA: c1-\u{9b}2J-csi`,
    ];
    for (const want of expected) assert.ok(screen.includes(want), `the screen shows ${want}\n${screen}`);
    // The bidi override (UTF-8 e2 80 ae) decodes as U+202E and is shown escaped.
    assert.ok(screen.includes(String.raw`GET /bidi-\u{202e}txt.exe`), screen.split('\n').find((l) => /bidi/.test(l)));
  });

  test('the engine process killed: the UI leaves the screen and exits 1 with one line saying why', async () => {
    const k = s('enginekill');
    await k.waitForScreen(END_OF_REPLAY, 30_000, 'end of replay');
    const [cli] = k.findProcesses(CLI);
    assert.ok(cli !== undefined, 'the node process running dist/cli.js');
    const [engine] = descendants(cli);
    assert.ok(engine !== undefined, 'the forked engine process');
    process.kill(engine, 'SIGKILL');
    assert.equal(await k.waitForExit(15_000), 1);
    const screen = await k.waitForScreen(WRAPPER_EXIT_LINE, 5000, 'the wrapper line');
    assert.match(screen, /^snoopy-tui: the engine process was killed \(SIGKILL\): monitoring stopped$/m);
    assert.doesNotMatch(screen, /internal error|    at /);
  });

  test('the terminal closed under it (tmux kill-session): a clean exit, no stack, the engine gone too', async () => {
    const c = s('closed');
    await c.waitForScreen(END_OF_REPLAY, 30_000, 'end of replay');
    const [cli] = c.findProcesses(CLI);
    assert.ok(cli !== undefined, 'the node process running dist/cli.js');
    const engine = descendants(cli);
    server!.run(['kill-session', '-t', 'closed']);
    const status = join(dir!, 'closed.status');
    await waitFor(() => existsSync(status) && readFileSync(status, 'utf8').trim() !== '', { timeoutMs: 15_000, intervalMs: 50, message: 'snoopy-tui to exit after its terminal closed' });
    const err = readFileSync(join(dir!, 'closed.err'), 'utf8');
    assert.doesNotMatch(err, /internal error|EIO|    at /, `stderr: ${err}`);
    assert.equal(readFileSync(status, 'utf8').trim(), '0', `exit status; stderr: ${err}`);
    await waitFor(() => !engine.some(processAlive), { timeoutMs: 10_000, intervalMs: 50, message: 'the engine process to exit with the UI' });
  });

  test('NO_COLOR=1: no colour codes at all (inverse video allowed)', async () => {
    const nc = s('nocolor');
    await nc.waitForScreen(END_OF_REPLAY, 30_000, 'end of replay');
    await nc.key('3', /PORT_SCAN/, 'the alert row (highlighted, in danger tone when coloured)');
    await nc.key('q');
    const text = (await assertLeftCleanly(nc, [0])).toString('utf8');
    const colours: string[] = [];
    for (const m of text.matchAll(/\x1b\[([0-9;]*)m/g)) {
      const params = m[1]!.split(';').map(Number);
      if (params.some((p) => (p >= 30 && p <= 38) || (p >= 40 && p <= 48) || (p >= 90 && p <= 97) || (p >= 100 && p <= 107))) colours.push(m[0]);
    }
    assert.deepEqual([...new Set(colours)].map(showEscapes), [], 'SGR colour codes with NO_COLOR=1');
    assert.ok(text.includes('\x1b[7m'), 'the highlight uses inverse video instead');
    // Not vacuous: the same terminal without NO_COLOR does get colours (the main run).
    const coloured = s('main').raw().toString('utf8');
    assert.match(coloured, /\x1b\[3[1-6]m/, 'the colour run (same terminal, no NO_COLOR) has colours');
  });
});
