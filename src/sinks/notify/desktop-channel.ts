import { CommandError, runCommand, type CommandRunner } from '../../platform/exec/run-command.js';
import { desktopArgv } from './desktop-commands.js';
import type { NotificationChannel } from './notification-channel.js';
import { eventSeverity, type NotifyEvent } from './notify-event.js';
import { eventText } from './notify-text.js';

/**
 * Desktop notification of the machine we run on: notify-send (Linux), osascript (macOS),
 * a PowerShell toast (Windows). Under systemd there is usually no desktop session: notify-send
 * then fails, which is reported like any other channel failure.
 */
export class DesktopChannel implements NotificationChannel {
  readonly name = 'desktop' as const;
  readonly target: string;
  readonly secrets: readonly string[] = [];

  constructor(
    private readonly platform: NodeJS.Platform = process.platform,
    private readonly run: CommandRunner = runCommand,
  ) {
    this.target = platform === 'darwin' ? 'osascript' : platform === 'win32' ? 'powershell toast' : 'notify-send';
  }

  async send(event: NotifyEvent, timeoutMs: number): Promise<void> {
    const argv = desktopArgv(this.platform, { ...eventText(event), severity: eventSeverity(event) });
    if (argv === null) throw new Error(`no desktop notifications on ${this.platform}`);
    try {
      await this.run(argv, { timeoutMs });
    } catch (e) {
      if (e instanceof CommandError && e.kind === 'not-found' && this.platform === 'linux') throw new Error('notify-send is not installed (Debian/Ubuntu: apt install libnotify-bin)');
      throw e;
    }
  }
}
