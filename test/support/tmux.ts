/**
 * Drive a real terminal: the built binary runs in a detached tmux session on a private server
 * socket (`tmux -L NAME`, so the person's own tmux is never touched), keys go in with
 * `send-keys`, the screen comes back with `capture-pane`, and `pipe-pane` keeps every byte the
 * program wrote to its pty, escape sequences included.
 *
 * Each program runs inside a small POSIX-sh wrapper that waits for a go file (written once
 * `pipe-pane` is attached, so the pipe sees the first byte), runs the command in the foreground
 * (as a person's shell would), writes its exit status to a file, prints one line on the normal
 * screen, and keeps the pane open so the screen after exit can be captured.
 *
 * Every wait here polls (the screen with capture-pane, the status file, the raw output) until
 * what is awaited is there, with a deadline; none sleeps for a fixed time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './wait-for.js';

/** The line the wrapper prints after the program exits (on the normal screen). */
export const WRAPPER_EXIT_LINE = /\[wrapper\] exit status (\d+)/;

export function tmuxAvailable(): boolean {
  const r = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  return r.status === 0 && /^tmux /.test(r.stdout);
}

/** Quote one word for sh. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface SessionOptions {
  /** Session name (unique on this server). */
  name: string;
  width: number;
  height: number;
  /** argv of the program (run in the foreground of the wrapper shell). */
  argv: string[];
  cwd: string;
  /** Variables to set (string) or remove (null) for the program only. */
  env?: Record<string, string | null>;
  /**
   * A fixed pause between pipe-pane being attached and the program starting (default none). Only
   * for callers that time the program from a known start (bench/ui-bench.ts); tests leave it out.
   */
  startDelaySeconds?: number;
  /** How long the pane stays after the program exits. */
  lingerSeconds?: number;
}

export class TmuxServer {
  readonly socket: string;
  private readonly sessions: TmuxSession[] = [];

  /** `dir` holds wrappers, raw output and status files (the caller removes it). */
  constructor(
    readonly dir: string,
    socket = `snoopy-test-${process.pid}`,
  ) {
    this.socket = socket;
    mkdirSync(dir, { recursive: true });
  }

  /** Runs `tmux -L socket -f /dev/null ARGS`; throws with stderr on failure. */
  run(args: string[], options: { allowFail?: boolean } = {}): string {
    const env = { ...process.env };
    delete env['TMUX']; // a test run from inside tmux would otherwise refuse to nest
    delete env['TMUX_PANE'];
    const r = spawnSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env, timeout: 10_000 });
    if (!options.allowFail && (r.error || r.status !== 0)) {
      throw new Error(`tmux ${args.join(' ')} failed (${r.status ?? r.error?.message}): ${r.stderr}`);
    }
    return r.stdout ?? '';
  }

  /** Starts a session running `argv` in the wrapper, with pipe-pane attached before it writes. */
  start(options: SessionOptions): TmuxSession {
    const base = join(this.dir, options.name);
    const rawFile = `${base}.raw`;
    const statusFile = `${base}.status`;
    const goFile = `${base}.go`;
    const wrapper = `${base}.sh`;
    rmSync(rawFile, { force: true });
    rmSync(statusFile, { force: true });
    rmSync(goFile, { force: true });
    const envWords: string[] = [];
    // env(1) takes its options (-u) before any NAME=VALUE.
    for (const [k, v] of Object.entries(options.env ?? {})) if (v === null) envWords.push('-u', shQuote(k));
    for (const [k, v] of Object.entries(options.env ?? {})) if (v !== null) envWords.push(shQuote(`${k}=${v}`));
    const command = ['env', ...envWords, ...options.argv.map(shQuote)].join(' ');
    writeFileSync(
      wrapper,
      [
        '#!/bin/sh',
        `cd ${shQuote(options.cwd)} || exit 99`,
        // Until the test says pipe-pane is attached (at most ~30 s, then give up with 98).
        `i=0; while [ ! -e ${shQuote(goFile)} ]; do i=$((i + 1)); [ "$i" -gt 3000 ] && exit 98; sleep 0.01; done`,
        ...(options.startDelaySeconds ? [`sleep ${options.startDelaySeconds}`] : []),
        command,
        'rc=$?',
        // Written atomically: a reader never sees an empty file.
        `echo "$rc" > ${shQuote(`${statusFile}.tmp`)} && mv ${shQuote(`${statusFile}.tmp`)} ${shQuote(statusFile)}`,
        `echo "[wrapper] exit status $rc"`,
        `sleep ${options.lingerSeconds ?? 30}`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    // Creating the session and attaching pipe-pane in ONE tmux invocation: nothing can run between.
    // No status line, so the pane is exactly width x height.
    this.run([
      'set-option', '-g', 'status', 'off', ';',
      'new-session', '-d', '-s', options.name, '-x', String(options.width), '-y', String(options.height), `sh ${shQuote(wrapper)}`,
      ';', 'pipe-pane', '-o', '-t', options.name, `cat >> ${shQuote(rawFile)}`,
    ]);
    // tmux has run both commands when `run` returns: the pipe is attached, the program may start.
    writeFileSync(goFile, '');
    const session = new TmuxSession(this, options.name, rawFile, statusFile);
    this.sessions.push(session);
    return session;
  }

  /** Kills the server and everything in it; harmless when it is not running. */
  kill(): void {
    this.run(['kill-server'], { allowFail: true });
  }
}

export class TmuxSession {
  constructor(
    private readonly server: TmuxServer,
    readonly name: string,
    /** Every byte the program wrote to the pty (pipe-pane). */
    readonly rawFile: string,
    readonly statusFile: string,
  ) {}

  /** The visible screen as plain text (no escapes), one line per row. */
  capture(): string {
    return this.server.run(['capture-pane', '-p', '-t', this.name]);
  }

  /** Polls the screen until `pattern` matches; throws with the last screen after `timeoutMs`. */
  async waitForScreen(pattern: RegExp | ((screen: string) => boolean), timeoutMs = 5000, what?: string): Promise<string> {
    const test = typeof pattern === 'function' ? pattern : (s: string) => pattern.test(s);
    let screen = '';
    return waitFor(
      () => {
        screen = this.capture();
        return test(screen) && screen;
      },
      { timeoutMs, intervalMs: 50, message: () => `${what ?? String(pattern)}; screen of ${this.name}:\n${screen}` },
    );
  }

  /**
   * Sends one tmux key name (`3`, `Enter`, `Escape`, `C-u`) and, with `until`, waits for the
   * screen it must produce. Keys that follow one another must each wait for their effect:
   * keys sent in one burst can reach the program as one input chunk, which an application may
   * rightly treat as a paste.
   */
  async key(key: string, until?: RegExp | ((screen: string) => boolean), what?: string, timeoutMs = 5000): Promise<string | null> {
    this.server.run(['send-keys', '-t', this.name, key]);
    return until === undefined ? null : this.waitForScreen(until, timeoutMs, what ?? `the screen after key ${key}`);
  }

  /**
   * Sends keys one send-keys each, without waiting for their effect (bench/ui-bench.ts quits
   * with it). Keys sent back to back may reach the program as one input chunk: tests send one
   * key at a time with key(name, until) instead. `pauseMs` > 0 puts a fixed pause between keys,
   * for callers outside the tests only.
   */
  async keys(keys: readonly string[], pauseMs = 0): Promise<void> {
    for (const k of keys) {
      this.server.run(['send-keys', '-t', this.name, k]);
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }

  /**
   * Types `text` a character at a time, each one only once the screen shows the text so far
   * (`echoed(typedSoFar)`, e.g. `(t) => `filter> ${t}`` for the filter prompt), as a person
   * typing would: never two characters in one burst.
   */
  async type(text: string, echoed: (typedSoFar: string) => string, timeoutMs = 5000): Promise<string> {
    let screen = '';
    for (let i = 1; i <= text.length; i++) {
      this.server.run(['send-keys', '-t', this.name, '-l', text[i - 1]!]);
      const want = echoed(text.slice(0, i));
      screen = await waitFor(
        () => {
          screen = this.captureKeepingTrailingBlanks();
          return screen.includes(want) && screen;
        },
        { timeoutMs, intervalMs: 20, message: () => `${JSON.stringify(want)} echoed on the screen of ${this.name}:\n${screen}` },
      );
    }
    return screen;
  }

  /**
   * The screen as text, where a blank typed at the end of a line is still there: plain
   * capture-pane drops trailing blanks, so a typed space would not show. With -e a blank
   * followed by an attribute change (the inverse-video cursor Ink draws) is kept; the
   * attributes are then removed.
   */
  private captureKeepingTrailingBlanks(): string {
    return this.server.run(['capture-pane', '-p', '-e', '-t', this.name]).replace(/\x1b\[[0-9;:]*m/g, '');
  }

  /** The exit status the wrapper recorded; throws after `timeoutMs`. */
  async waitForExit(timeoutMs = 5000): Promise<number> {
    await waitFor(() => existsSync(this.statusFile), { timeoutMs, intervalMs: 50, message: () => `${this.name}: the program's exit (status file ${this.statusFile}); screen:\n${this.capture()}` });
    return Number(readFileSync(this.statusFile, 'utf8').trim());
  }

  /** The raw pty output so far (pipe-pane writes asynchronously: wait for the exit line first). */
  raw(): Buffer {
    return existsSync(this.rawFile) ? readFileSync(this.rawFile) : Buffer.alloc(0);
  }

  /** Waits until the raw output contains `needle` (pipe-pane lags the screen a little). */
  async waitForRaw(needle: string | Buffer, timeoutMs = 3000): Promise<Buffer> {
    return waitFor(
      () => {
        const raw = this.raw();
        return raw.includes(needle) && raw;
      },
      { timeoutMs, intervalMs: 50, message: `${this.name}: raw output containing ${JSON.stringify(needle.toString())}` },
    );
  }

  /** pid of the shell tmux started for the pane. */
  panePid(): number {
    return Number(this.server.run(['display-message', '-p', '-t', this.name, '#{pane_pid}']).trim());
  }

  /** Descendants of the pane's shell whose command line contains `needle`. */
  findProcesses(needle: string): number[] {
    return descendants(this.panePid()).filter((pid) => cmdline(pid).includes(needle));
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces and parentheses: fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return null;
  }
}

/** Every live descendant of `root` (Linux /proc). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const ppid = parentOf(pid);
    if (ppid === null) continue;
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const p = queue.shift()!;
    for (const c of children.get(p) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Escape sequences in raw terminal output

export interface EscapeScan {
  /** Every escape sequence, in order, as written. */
  sequences: string[];
  /** Distinct kinds: SGR kept whole (`\x1b[31m`), other CSI with numbers as N (`\x1b[NA`). */
  kinds: Set<string>;
  /** Sequences outside the allow-list (what Ink and our terminal code legitimately write). */
  unexpected: string[];
}

/** CSI (ESC [ params intermediates final), OSC (ESC ] … BEL or ST), or ESC + one character. */
const ESCAPE_RE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\s\S]?)/g;

/**
 * What Ink 6 and src/ui/terminal-screen.ts write: SGR attributes and colours, cursor movement
 * and erase, cursor show/hide, the alternate screen, synchronized output (mode 2026).
 */
const ALLOWED_RE = /^\x1b\[(?:[0-9;]*m|[0-9]*[ABCDEFGJKST]|[0-9]*(?:;[0-9]*)?[Hf]|\?(?:25|1049|2026)[hl])$/;

export function escapeKind(seq: string): string {
  if (/^\x1b\[[0-9;]*m$/.test(seq)) return seq;
  if (/^\x1b\[\?/.test(seq)) return seq;
  return seq.replace(/[0-9]+/g, 'N');
}

export function scanEscapes(raw: string): EscapeScan {
  const sequences = raw.match(ESCAPE_RE) ?? [];
  const kinds = new Set(sequences.map(escapeKind));
  const unexpected = sequences.filter((s) => !ALLOWED_RE.test(s));
  return { sequences, kinds, unexpected };
}

/** A sequence made visible for assertion messages. */
export function showEscapes(s: string): string {
  return JSON.stringify(s);
}
