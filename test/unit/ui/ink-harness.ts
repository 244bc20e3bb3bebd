/**
 * ink-testing-library's render, with a terminal of a chosen size (its fake stdout is always 100
 * columns and has no rows): the UI is checked at 80x24 as a person's terminal would be.
 */
import { EventEmitter } from 'node:events';
import type { ReactElement } from 'react';
import { render as inkRender } from 'ink';

class FakeStdout extends EventEmitter {
  frames: string[] = [];
  isTTY = true;
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string): boolean => {
    this.frames.push(frame);
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private queue: string[] = [];
  write = (data: string): void => {
    this.queue.push(data);
    this.emit('readable');
  };
  read = (): string | null => this.queue.shift() ?? null;
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export interface Rendered {
  lastFrame(): string;
  /** Everything written as separate reads, back to back (no frame in between): a burst of keys. */
  type(...chunks: string[]): void;
  resize(columns: number, rows: number): void;
  unmount(): void;
}

export function renderAt(node: ReactElement, columns = 80, rows = 24): Rendered {
  const stdout = new FakeStdout(columns, rows);
  const stdin = new FakeStdin();
  const instance = inkRender(node, { stdout: stdout as unknown as NodeJS.WriteStream, stderr: new FakeStdout(columns, rows) as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, debug: true, exitOnCtrlC: false, patchConsole: false });
  return {
    lastFrame: () => stdout.frames[stdout.frames.length - 1] ?? '',
    type: (...chunks) => {
      for (const c of chunks) stdin.write(c);
    },
    resize: (c, r) => {
      stdout.columns = c;
      stdout.rows = r;
      stdout.emit('resize');
    },
    unmount: () => instance.unmount(),
  };
}
