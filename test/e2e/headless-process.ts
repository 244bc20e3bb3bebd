/**
 * The real binary (`node dist/cli.js --headless`) as a child process: its stdout read line by
 * line as JSON, each line stamped with the wall clock when the test read it.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { spawnIn, waitForExit } from '../support/netns.js';

export interface OutputLine {
  /** Date.now() when the line was read. */
  at: number;
  raw: string;
  /** The parsed object, or undefined when the line is not JSON. */
  json: Record<string, unknown> | undefined;
}

type Predicate = (json: Record<string, unknown>) => boolean;

interface Waiter {
  predicate: Predicate;
  from: number;
  resolve: (line: OutputLine) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class HeadlessProcess {
  readonly child: ChildProcess;
  readonly lines: OutputLine[] = [];
  stderr = '';
  private readonly waiters = new Set<Waiter>();
  private readonly stdoutEnded: Promise<void>;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  /**
   * `command` runs instead of `node dist/cli.js` (an installed `snoopy-tui`); `prefix`: argv run in
   * the namespace before it (e.g. an unshare wrapper that execs it).
   */
  constructor(ns: string, cliArgs: readonly string[], prefix: readonly string[] = [], command: readonly string[] = [process.execPath, CLI_PATH]) {
    this.child = spawnIn(ns, [...prefix, ...command, ...cliArgs]);
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (s: string) => {
      this.stderr += s;
    });
    const rl = createInterface({ input: this.child.stdout!, crlfDelay: Infinity });
    rl.on('line', (raw) => this.onLine(raw));
    this.stdoutEnded = new Promise((resolve) => rl.once('close', resolve));
    this.child.once('exit', (code, signal) => {
      this.exitInfo = { code, signal };
      // Let the last lines through readline before failing the waiters.
      void this.stdoutEnded.then(() => {
        for (const w of this.waiters) this.failWaiter(w, new Error(`engine exited (code ${code}, signal ${signal}) before the expected line; stderr: ${this.stderr.trim() || '(empty)'}`));
      });
    });
  }

  /** Parsed JSON objects of every stdout line so far. */
  objects(): Record<string, unknown>[] {
    return this.lines.flatMap((l) => (l.json === undefined ? [] : [l.json]));
  }

  byType(eventType: string): OutputLine[] {
    return this.lines.filter((l) => l.json?.event_type === eventType);
  }

  nonJsonLines(): string[] {
    return this.lines.filter((l) => l.json === undefined).map((l) => l.raw);
  }

  /** The first line (from index `from` on) whose object satisfies the predicate. */
  waitForLine(predicate: Predicate, timeoutMs: number, what: string, from = 0): Promise<OutputLine> {
    for (let i = from; i < this.lines.length; i++) {
      const line = this.lines[i]!;
      if (line.json !== undefined && predicate(line.json)) return Promise.resolve(line);
    }
    if (this.exitInfo !== null) return Promise.reject(new Error(`engine already exited, no ${what}; stderr: ${this.stderr.trim() || '(empty)'}`));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        from,
        resolve,
        reject,
        timer: setTimeout(() => this.failWaiter(waiter, new Error(`no ${what} within ${Math.round(timeoutMs)} ms; last stdout line: ${this.lines[this.lines.length - 1]?.raw ?? '(none)'}; stderr: ${this.stderr.trim() || '(empty)'}`)), timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** SIGINT, then the exit status once stdout is fully read. SIGKILL and throw past the timeout. */
  async interrupt(timeoutMs = 5000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.exitInfo === null) this.child.kill('SIGINT');
    try {
      const status = await waitForExit(this.child, timeoutMs, 'engine after SIGINT');
      await this.stdoutEnded;
      return status;
    } catch (e) {
      this.child.kill('SIGKILL');
      throw e;
    }
  }

  /**
   * The pid of the process that captures: a live run as root restarts itself under setpriv with
   * fewer capabilities, so the engine is the launcher's only descendant running
   * dist/cli.js; otherwise the child itself.
   */
  enginePid(): number {
    let pid = this.child.pid!;
    for (let depth = 0; depth < 4; depth++) {
      let children: string[];
      try {
        children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter((l) => l !== '');
      } catch {
        children = [];
      }
      const next = children.find((c) => {
        try {
          return readFileSync(`/proc/${c}/cmdline`, 'utf8').includes('cli.js');
        } catch {
          return false;
        }
      });
      if (next === undefined) return pid;
      pid = Number(next);
    }
    return pid;
  }

  kill(): void {
    if (this.exitInfo === null) this.child.kill('SIGKILL');
  }

  private onLine(raw: string): void {
    let json: Record<string, unknown> | undefined;
    try {
      const v: unknown = JSON.parse(raw);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) json = v as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    const line: OutputLine = { at: Date.now(), raw, json };
    const index = this.lines.push(line) - 1;
    if (json === undefined) return;
    for (const w of this.waiters) {
      if (index >= w.from && w.predicate(json)) {
        clearTimeout(w.timer);
        this.waiters.delete(w);
        w.resolve(line);
      }
    }
  }

  private failWaiter(w: Waiter, e: Error): void {
    if (!this.waiters.delete(w)) return;
    clearTimeout(w.timer);
    w.reject(e);
  }
}

export const CLI_PATH = new URL('../../dist/cli.js', import.meta.url).pathname;
