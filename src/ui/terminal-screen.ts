import { writeSync } from 'node:fs';

/**
 * The alternate screen: entered at start so the shell's scrollback is left alone, and left on
 * every way out (q, Ctrl-C, SIGTERM, SIGHUP, a crash). Leaving twice is harmless.
 */
const ENTER = '\u001b[?1049h\u001b[H';
const LEAVE = '\u001b[?25h\u001b[?1049l';

export class TerminalScreen {
  private active = false;

  constructor(private readonly out: NodeJS.WriteStream) {}

  enter(): void {
    if (this.active) return;
    this.active = true;
    this.out.write(ENTER);
  }

  /** Synchronous on purpose: it also runs from 'exit' and crash handlers. */
  leave(): void {
    if (!this.active) return;
    this.active = false;
    try {
      if (this.out.isTTY && typeof (this.out as { fd?: number }).fd === 'number') {
        // Bypass the stream's buffer so the terminal is restored even if the process dies next.
        writeSync((this.out as unknown as { fd: number }).fd, LEAVE);
      } else {
        this.out.write(LEAVE);
      }
    } catch {
      // The terminal is gone (SSH dropped): nothing left to restore.
    }
  }
}

