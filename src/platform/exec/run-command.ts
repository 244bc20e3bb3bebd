import { spawn } from 'node:child_process';
import { isAbsolute } from 'node:path';
import { resolveTool } from './system-path.js';

/**
 * The one way snoopy-tui runs an OS command: an argv array whose first element is an
 * absolute path, no shell, a timeout, optional stdin, and a typed error that says which command
 * failed and why. Everything in src/platform that touches the OS goes through a CommandRunner so
 * unit tests can inject a fake and assert the exact argv.
 */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /** Text written to the command's stdin (e.g. an `nft -f -` batch). */
  input?: string;
  /** Milliseconds before the command is killed; default 10 s. */
  timeoutMs?: number;
  /** Resolve with the exit code instead of throwing when the command exits non-zero. */
  allowFailure?: boolean;
  /** Told when the process is running and when it has exited (latency tracing). */
  observer?: CommandObserver;
}

export interface CommandObserver {
  spawned(): void;
  exited(): void;
}

export type CommandRunner = (argv: readonly string[], options?: CommandOptions) => Promise<CommandResult>;

export type CommandFailureKind = 'not-found' | 'timeout' | 'exit' | 'signal' | 'spawn';

export class CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly kind: CommandFailureKind,
    readonly exitCode: number | null,
    readonly stderr: string,
    detail: string,
  ) {
    super(`${argv[0]}: ${detail}`);
    this.name = 'CommandError';
  }
}

/** At most this much of a failing command's stderr goes into an error message. */
const MAX_STDERR_IN_MESSAGE = 300;

/** Output kept per stream, at most: a runaway command is killed rather than filling memory. */
const MAX_OUTPUT_BYTES = 100 * 1024 * 1024;
/** After the timeout's SIGTERM, a command that is still there gets SIGKILL this much later. */
const KILL_AFTER_MS = 2000;

/**
 * Straight on node:child_process: a command on the block path (`nft -f -`) starts in about a
 * millisecond, where a general-purpose wrapper took several more of the event loop's time.
 */
export const runCommand: CommandRunner = async (argv, options = {}) => {
  const [named, ...args] = argv;
  if (named === undefined || !isAbsolute(named)) throw new TypeError(`command must start with an absolute path: ${JSON.stringify(argv[0])}`);
  // The path a caller names is where Debian keeps the tool; RHEL, Alpine and others keep some
  // elsewhere on the system path (ss, nft, logger …): the same tool there is used instead.
  const file = resolveTool(named);
  if (file === null) throw new CommandError(argv, 'not-found', null, '', 'not installed (looked in the system path: /usr/local/sbin … /bin)');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const ended = await runProcess(file, args, options.input, timeoutMs, options.observer);
  const stdout = stripFinalNewline(ended.stdout);
  const stderr = stripFinalNewline(ended.stderr);
  if (ended.timedOut) throw new CommandError(argv, 'timeout', null, stderr, `timed out after ${timeoutMs} ms`);
  if (ended.error !== null) {
    if (ended.error.code === 'ENOENT') throw new CommandError(argv, 'not-found', null, stderr, 'not installed');
    throw new CommandError(argv, 'spawn', null, stderr, ended.error.message);
  }
  if (ended.code === null) throw new CommandError(argv, 'signal', null, stderr, `killed by ${ended.signal ?? 'a signal'}`);
  if (ended.code !== 0 && options.allowFailure !== true) {
    const why = firstLine(stderr) || firstLine(stdout) || 'no output';
    throw new CommandError(argv, 'exit', ended.code, stderr, `exit ${ended.code}: ${why.slice(0, MAX_STDERR_IN_MESSAGE)}`);
  }
  return { exitCode: ended.code, stdout, stderr };
};

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Could not start, or its output was too large. */
  error: NodeJS.ErrnoException | null;
}

function runProcess(file: string, args: readonly string[], input: string | undefined, timeoutMs: number, observer: CommandObserver | undefined): Promise<Ended> {
  return new Promise((resolve) => {
    // Children inherit no stdin unless we give one; LC_ALL=C keeps messages parseable.
    const child = spawn(file, args, { shell: false, windowsHide: true, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    const out = { stdout: new OutputBuffer(), stderr: new OutputBuffer() };
    let timedOut = false;
    let error: NodeJS.ErrnoException | null = null;
    let killTimer: NodeJS.Timeout | null = null;
    const kill = (): void => {
      child.kill('SIGTERM');
      killTimer ??= setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    const take = (buffer: OutputBuffer) => (chunk: Buffer) => {
      if (buffer.add(chunk)) return;
      error ??= Object.assign(new Error(`output over ${MAX_OUTPUT_BYTES / 1024 / 1024} MB`), { code: 'EMAXBUFFER' });
      kill();
    };
    child.stdout!.on('data', take(out.stdout));
    child.stderr!.on('data', take(out.stderr));
    if (observer !== undefined) {
      child.once('spawn', () => observer.spawned());
      child.once('exit', () => observer.exited());
    }
    let started = false;
    child.once('spawn', () => (started = true));
    child.once('error', (e: NodeJS.ErrnoException) => {
      error ??= e;
      // A process that never started emits no 'close' on every Node version: end here.
      if (!started) finish(null, null);
    });
    if (child.stdin !== null) {
      // A command that exits without reading all of its input must not take us down (EPIPE).
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    }
    let done = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (killTimer !== null) clearTimeout(killTimer);
      resolve({ code, signal, stdout: out.stdout.text(), stderr: out.stderr.text(), timedOut, error });
    };
    child.once('close', (code, signal) => finish(code, signal));
  });
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

function stripFinalNewline(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  if (text.endsWith('\n')) return text.slice(0, -1);
  return text;
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== "");
  return line?.trim() ?? '';
}
