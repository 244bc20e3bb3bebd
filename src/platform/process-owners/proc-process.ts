/** Pure parsers of the /proc/PID files and /etc/passwd that name a socket's process. */

export const COMMAND_LINE_MAX = 512;

/** /proc/PID/cmdline: NUL-separated arguments → one line, cut at `max` characters. */
export function formatCommandLine(raw: string, max = COMMAND_LINE_MAX): string {
  let s = raw.replace(/\0+$/, '').replace(/\0/g, ' ');
  if (s.length > max) {
    s = s.slice(0, max);
    const last = s.charCodeAt(s.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) s = s.slice(0, -1); // never split a surrogate pair
  }
  return s;
}

/** /proc/PID/comm: the name with its trailing newline removed. */
export function parseComm(raw: string): string {
  return raw.endsWith('\n') ? raw.slice(0, -1) : raw;
}

/** Effective uid from /proc/PID/status ("Uid:\treal\teffective\tsaved\tfs"), or null. */
export function parseStatusUid(status: string): number | null {
  const m = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
  return m ? Number(m[2]) : null;
}

/**
 * Start time (clock ticks since boot, field 22) from /proc/PID/stat, or null. The name in field 2
 * may hold spaces and parentheses, so fields are counted after the last ')'. Used to notice a
 * pid that was reused by another process.
 */
export function parseStatStartTime(stat: string): string | null {
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  const fields = stat.slice(close + 1).trim().split(/\s+/);
  const start = fields[19]; // fields[0] is field 3 (state)
  return start !== undefined && /^\d+$/.test(start) ? start : null;
}

/** /etc/passwd → uid → first user name with that uid. */
export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 3 || f[0] === '' || !/^\d+$/.test(f[2]!)) continue;
    const uid = Number(f[2]);
    if (!users.has(uid)) users.set(uid, f[0]!);
  }
  return users;
}

/** "socket:[12345]" → 12345; anything else → null. */
export function parseSocketLink(link: string): number | null {
  if (!link.startsWith('socket:[') || !link.endsWith(']')) return null;
  const digits = link.slice(8, -1);
  return /^\d+$/.test(digits) ? Number(digits) : null;
}
