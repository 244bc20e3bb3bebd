import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunConfig } from '../config/run-config.js';
import type { CommandReplies, EngineCommand, EngineToUi, UiContext, UiToEngine } from '../engine/protocol.js';

type Listener = (message: EngineToUi) => void;

/**
 * The UI's handle on the engine process: forks it, sends typed messages, matches command
 * replies to requests by id. The engine's stdout/stderr are not shared with the terminal the UI
 * draws on.
 */
export class EngineClient {
  private readonly child: ChildProcess;
  private readonly listeners = new Set<Listener>();
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextRequestId = 1;
  /** Diagnostics the engine wrote to stderr (libpcap warnings and the like), for a debug view. */
  readonly stderrLines: string[] = [];
  /** How the engine process ended: its exit code, or the signal that killed it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor() {
    const { path, execArgv } = engineEntry();
    this.child = fork(path, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line !== '') this.stderrLines.push(line);
      if (this.stderrLines.length > 200) this.stderrLines.splice(0, this.stderrLines.length - 200);
    });
    this.child.on('message', (raw) => this.dispatch(raw as EngineToUi));
    // kill() emits 'error' when the signal cannot be sent (EPERM once the UI is unprivileged).
    this.child.on('error', (e) => this.stderrLines.push(`engine process: ${e.message}`));
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        for (const p of this.pending.values()) p.reject(new Error('engine process exited'));
        this.pending.clear();
        resolve({ code, signal });
      });
    });
  }

  onMessage(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(config: RunConfig, ui?: UiContext): void {
    this.send({ type: 'start', config, ...(ui !== undefined ? { ui } : {}) });
  }

  /** A review of the history file instead of a run. */
  review(config: RunConfig): void {
    this.send({ type: 'review', config });
  }

  /** Sends a command; resolves with its typed reply, rejects with the engine's error. */
  command<C extends EngineCommand>(command: C): Promise<CommandReplies[C['name']]> {
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (v: unknown) => void, reject });
      this.send({ type: 'command', requestId, command });
    });
  }

  /** Asks the engine to stop and waits for it to exit (killing it after `timeoutMs`). */
  async stop(timeoutMs = 2000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.send({ type: 'stop' });
    const timer = setTimeout(() => {
      // After the UI dropped root it may not signal the (root) engine: closing the channel
      // is what ends it then (the engine exits on disconnect).
      if (!this.child.kill('SIGKILL') && this.child.connected) this.child.disconnect();
    }, timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  private send(message: UiToEngine): void {
    if (this.child.connected) this.child.send(message);
  }

  private dispatch(message: EngineToUi): void {
    if (message.type === 'reply') {
      const p = this.pending.get(message.requestId);
      if (p === undefined) return;
      this.pending.delete(message.requestId);
      if (message.ok) p.resolve(message.result);
      else p.reject(new Error(message.error));
      return;
    }
    for (const l of this.listeners) l(message);
  }
}

/** The built engine entry, or the TypeScript source run through tsx (tests, development). */
function engineEntry(): { path: string; execArgv: string[] } {
  const js = fileURLToPath(new URL('../engine/engine-process.js', import.meta.url));
  if (existsSync(js)) return { path: js, execArgv: [] };
  return { path: fileURLToPath(new URL('../engine/engine-process.ts', import.meta.url)), execArgv: ['--import', 'tsx'] };
}
