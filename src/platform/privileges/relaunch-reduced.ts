import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { CAPS_DROPPED_ENV } from './engine-capabilities.js';

/**
 * Runs this same command again under `prefix` (setpriv with a reduced capability set) as the
 * engine, with the same stdio, and waits: signals are passed on, the child's exit status
 * becomes ours. This process holds nothing open and does nothing else meanwhile (Node cannot
 * drop capabilities in place: there is no capset without native code).
 */
export function relaunchReduced(prefix: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const argv = [...prefix.slice(1), process.execPath, ...process.execArgv, process.argv[1]!, ...process.argv.slice(2)];
    const child = spawn(prefix[0]!, argv, { stdio: 'inherit', env: { ...process.env, [CAPS_DROPPED_ENV]: '1' } });
    const forward = (signal: NodeJS.Signals) => () => void child.kill(signal);
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    child.once('error', (e) => {
      process.stderr.write(`snoopy-tui: cannot start the engine with reduced capabilities: ${e.message}\n`);
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      for (const [s, h] of handlers) process.removeListener(s, h);
      resolve(code ?? 128 + (signal !== null ? (constants.signals[signal] ?? 1) : 1));
    });
  });
}
