import { isAbsolute } from 'node:path';
import { StartedProcess, type CommandObserver } from './child-process-run.js';
import { resolveTool } from './system-path.js';
import { prepareWarm, takeWarm } from './warm-processes.js';

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
  /**
   * Keep the next run of this same command line started ahead, waiting on its stdin (see
   * warm-processes.ts). Only for commands that read all their input before they act, such as
   * `nft -f -`; needs `input`.
   */
  warm?: boolean;
}

export type { CommandObserver } from './child-process-run.js';

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
  const warm = options.warm === true && options.input !== undefined;
  // Children inherit no stdin unless we give one.
  const ahead = warm ? takeWarm(file, args) : null;
  const child = ahead ?? new StartedProcess(file, args, options.input !== undefined);
  const running = child.finish(options.input, timeoutMs, options.observer);
  // The next one is spawned while this one runs (a first block's setup and its entries are two
  // batches in a row).
  if (warm) prepareWarm(file, args);
  let ended = await running;
  // A process started ahead that something else killed (while it waited, or as it got the
  // input): the command runs once more in a fresh one, as it would have without the warm start.
  if (ahead !== null && ended.code === null && !ended.timedOut && ended.error === null) {
    ended = await new StartedProcess(file, args, true).finish(options.input, timeoutMs, options.observer);
  }
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

function stripFinalNewline(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  if (text.endsWith('\n')) return text.slice(0, -1);
  return text;
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== "");
  return line?.trim() ?? '';
}
