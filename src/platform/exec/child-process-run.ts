import { spawn, type ChildProcess } from 'node:child_process';

/** Hears a command start running and end (latency tracing). */
export interface CommandObserver {
  spawned(): void;
  exited(): void;
}

/** Output kept per stream, at most: a runaway command is killed rather than filling memory. */
const MAX_OUTPUT_BYTES = 100 * 1024 * 1024;
/** After the timeout's SIGTERM, a command that is still there gets SIGKILL this much later. */
const KILL_AFTER_MS = 2000;

/** How a process ended, with everything it wrote. */
export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Could not start, or its output was too large. */
  error: NodeJS.ErrnoException | null;
}

/**
 * One child process, listened to from the moment it is spawned (its output, its end) and given
 * its input later by `finish`: a process can be started ahead of the moment it is needed.
 */
export class StartedProcess {
  private readonly child: ChildProcess;
  private readonly stdout = new OutputBuffer();
  private readonly stderr = new OutputBuffer();
  private started = false;
  private exited = false;
  private ended: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly endWaiters: (() => void)[] = [];
  private error: NodeJS.ErrnoException | null = null;
  private timedOut = false;
  private killTimer: NodeJS.Timeout | null = null;
  private observer: CommandObserver | null = null;
  private readonly startWaiters: (() => void)[] = [];

  /** `stdin`: whether the process gets its input through a pipe (else it reads nothing). */
  constructor(file: string, args: readonly string[], stdin: boolean) {
    // LC_ALL=C keeps messages parseable.
    this.child = spawn(file, args, { shell: false, windowsHide: true, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    this.child.stdout!.on('data', (chunk: Buffer) => this.take(this.stdout, chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => this.take(this.stderr, chunk));
    // A command that exits without reading all of its input must not take us down (EPIPE).
    this.child.stdin?.on('error', () => undefined);
    this.child.once('spawn', () => {
      this.started = true;
      this.observer?.spawned();
      for (const w of this.startWaiters.splice(0)) w();
    });
    this.child.once('exit', () => {
      this.exited = true;
      this.observer?.exited();
    });
    this.child.once('error', (e: NodeJS.ErrnoException) => {
      this.error ??= e;
      // A process that never started emits no 'close' on every Node version: end here.
      if (!this.started) {
        this.end(null, null);
        for (const w of this.startWaiters.splice(0)) w();
      }
    });
    this.child.once('close', (code, signal) => this.end(code, signal));
  }

  /** Resolves once the process runs (or could not start). */
  whenStarted(): Promise<void> {
    if (this.started || this.ended !== null) return Promise.resolve();
    return new Promise((resolve) => this.startWaiters.push(resolve));
  }

  /** Running and still waiting for its input. */
  get waiting(): boolean {
    return this.started && !this.exited && this.ended === null && this.child.stdin !== null && this.child.stdin.writable;
  }

  /** An idle process started ahead must not keep Node running; `ref` again once it is used. */
  unref(): void {
    this.child.unref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as { unref?: () => void } | null)?.unref?.();
  }

  /** Gives the input (ends stdin) and resolves when the process has ended; killed after `timeoutMs`. */
  finish(input: string | undefined, timeoutMs: number, observer: CommandObserver | undefined): Promise<Ended> {
    this.child.ref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as { ref?: () => void } | null)?.ref?.();
    if (observer !== undefined) {
      this.observer = observer;
      if (this.started) observer.spawned();
      if (this.exited) observer.exited();
    }
    const timer = setTimeout(() => {
      this.timedOut = true;
      this.kill();
    }, timeoutMs);
    this.child.stdin?.end(input);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.killTimer !== null) clearTimeout(this.killTimer);
        resolve({ ...this.ended!, stdout: this.stdout.text(), stderr: this.stderr.text(), timedOut: this.timedOut, error: this.error });
      };
      if (this.ended !== null) done();
      else this.endWaiters.push(done);
    });
  }

  private end(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.ended !== null) return;
    this.ended = { code, signal };
    for (const w of this.endWaiters.splice(0)) w();
  }

  private take(buffer: OutputBuffer, chunk: Buffer): void {
    if (buffer.add(chunk)) return;
    this.error ??= Object.assign(new Error(`output over ${MAX_OUTPUT_BYTES / 1024 / 1024} MB`), { code: 'EMAXBUFFER' });
    this.kill();
  }

  private kill(): void {
    this.child.kill('SIGTERM');
    this.killTimer ??= setTimeout(() => this.child.kill('SIGKILL'), KILL_AFTER_MS);
  }
}

class OutputBuffer {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;

  /** False when the chunk would pass MAX_OUTPUT_BYTES (it is dropped). */
  add(chunk: Buffer): boolean {
    if (this.bytes + chunk.length > MAX_OUTPUT_BYTES) return false;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    return true;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
