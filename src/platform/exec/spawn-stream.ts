import { spawn } from 'node:child_process';
import { isAbsolute } from 'node:path';

/**
 * The streaming sibling of runCommand (same rules): an argv array whose first element
 * is an absolute path, no shell, no stdin, LC_ALL=C; stdout is handed over as it comes and the
 * process is killed on stop(). For long-running readers such as `journalctl -f`.
 */
export interface StreamingProcess {
  /** Kills the process (SIGTERM); safe to call more than once. */
  stop(): void;
  /** Resolves when it ended, however (never rejects; `error` says why it could not start). */
  readonly ended: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: string }>;
}

export interface StreamHandlers {
  onStdout(chunk: Buffer): void;
  /** stderr as text, for one diagnostic line; optional. */
  onStderr?(text: string): void;
}

export type StreamSpawner = (argv: readonly string[], handlers: StreamHandlers) => StreamingProcess;

export const spawnStream: StreamSpawner = (argv, handlers) => {
  const [file, ...args] = argv;
  if (file === undefined || !isAbsolute(file)) throw new TypeError(`command must start with an absolute path: ${JSON.stringify(argv[0])}`);
  const child = spawn(file, args, { shell: false, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  child.stdout.on('data', (chunk: Buffer) => handlers.onStdout(chunk));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => handlers.onStderr?.(text));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: string }>((resolve) => {
    child.once('error', (e: NodeJS.ErrnoException) => resolve({ code: null, signal: null, error: e.code === 'ENOENT' ? `${file}: not installed` : `${file}: ${e.message}` }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return {
    ended,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
};
