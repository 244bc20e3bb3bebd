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

/** execa and its ~100 modules load at the first command, not with every entry point. */
let execaModule: Promise<typeof import('execa')> | null = null;

export const runCommand: CommandRunner = async (argv, options = {}) => {
  const [named, ...args] = argv;
  if (named === undefined || !isAbsolute(named)) throw new TypeError(`command must start with an absolute path: ${JSON.stringify(argv[0])}`);
  // The path a caller names is where Debian keeps the tool; RHEL, Alpine and others keep some
  // elsewhere on the system path (ss, nft, logger …): the same tool there is used instead.
  const file = resolveTool(named);
  if (file === null) throw new CommandError(argv, 'not-found', null, '', 'not installed (looked in the system path: /usr/local/sbin … /bin)');
  execaModule ??= import('execa');
  const { execa } = await execaModule;
  const subprocess = execa(file, args, {
    input: options.input,
    timeout: options.timeoutMs ?? 10_000,
    reject: false,
    stripFinalNewline: true,
    // Children inherit no stdin unless we give one; LC_ALL=C keeps messages parseable.
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    env: { LC_ALL: 'C' },
    extendEnv: true,
  });
  const observer = options.observer;
  if (observer !== undefined) {
    subprocess.once('spawn', () => observer.spawned());
    subprocess.once('exit', () => observer.exited());
  }
  const result = await subprocess;
  const stdout = String(result.stdout ?? '');
  const stderr = String(result.stderr ?? '');
  if (result.timedOut) throw new CommandError(argv, 'timeout', null, stderr, `timed out after ${options.timeoutMs ?? 10_000} ms`);
  if (result.failed && result.exitCode === undefined) {
    const code = (result.cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') throw new CommandError(argv, 'not-found', null, stderr, 'not installed');
    if (result.signal) throw new CommandError(argv, 'signal', null, stderr, `killed by ${result.signal}`);
    throw new CommandError(argv, 'spawn', null, stderr, result.shortMessage ?? 'could not start');
  }
  const exitCode = result.exitCode ?? 0;
  if (exitCode !== 0 && options.allowFailure !== true) {
    const why = firstLine(stderr) || firstLine(stdout) || 'no output';
    throw new CommandError(argv, 'exit', exitCode, stderr, `exit ${exitCode}: ${why.slice(0, MAX_STDERR_IN_MESSAGE)}`);
  }
  return { exitCode, stdout, stderr };
};

function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim() !== "");
  return line?.trim() ?? '';
}
