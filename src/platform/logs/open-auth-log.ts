import { existsSync } from 'node:fs';
import { FileFollower } from './file-follower.js';
import { JOURNALCTL, JournalSource } from './journal-source.js';
import type { LogSource } from './log-source.js';

/** Where distributions keep the auth log: Debian/Ubuntu, then RHEL/Fedora/SUSE. */
export const DEFAULT_AUTH_LOGS = ['/var/log/auth.log', '/var/log/secure'];

/**
 * The auth-log source of a run (`--auth-log`):
 * - `--auth-log FILE`: that file, followed live; in a replay read once from the start (a log
 *   recorded together with the capture);
 * - `--auth-log journald`: the journal;
 * - `--auth-log none`: no auth log;
 * - otherwise, live: the distribution's auth.log or secure, else journald when it runs;
 *   replays: none.
 */
export function openAuthLog(option: string | null, live: boolean, onWarning: (line: string) => void, exists: (path: string) => boolean = existsSync): LogSource | null {
  if (option === 'none') return null;
  if (option === 'journald') return new JournalSource(onWarning);
  if (option !== null) return new FileFollower(option, { mode: live ? 'follow' : 'read-once', onWarning });
  if (!live) return null;
  const file = DEFAULT_AUTH_LOGS.find((p) => exists(p));
  if (file !== undefined) return new FileFollower(file, { mode: 'follow', onWarning });
  if (exists('/run/systemd/journal') && exists(JOURNALCTL)) return new JournalSource(onWarning);
  return null;
}
