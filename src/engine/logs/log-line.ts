/**
 * One line of an auth log, split into the syslog header and the message. Sources that know the
 * fields already (journald) fill them; text lines are split by parseLogLine().
 */
export interface LogLine {
  /** When the line was written (from its header), or when it was read if it has no header. */
  timeMicros: number;
  /** Program name of the header (sshd, sudo, vsftpd …); null when the line has none (sshd -E). */
  program: string | null;
  pid: number | null;
  /** The message after "prog[pid]: ". */
  message: string;
}

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

// "Nov 21 22:15:03 host rest" (RSYSLOG_TraditionalFileFormat; local time, no year).
const CLASSIC = /^([A-Z][a-z]{2}) ([ \d]?\d) (\d\d):(\d\d):(\d\d) (\S+) (.*)$/s;
// "2026-11-21T22:15:03.123456+00:00 host rest" (rsyslog's default on Debian 12).
const ISO = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d) (\S+) (.*)$/s;
// vsftpd's own log: "Sun Nov 22 00:54:48 2026 [pid 2419] rest" (local time).
const VSFTPD = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]?\d) (\d\d):(\d\d):(\d\d) (\d{4}) (\[pid \d+\] .*)$/s;
// "prog[pid]: message" or "prog: message" after the host name.
const TAG = /^([^\s[\]:]{1,64})(?:\[(\d{1,10})\])?: ?(.*)$/s;

/**
 * Splits a text line. `nowMicros` is the time of reading: used for lines without a header and
 * to pick the year of classic syslog stamps (the latest year that does not put the line more
 * than a day into the future).
 */
export function parseLogLine(text: string, nowMicros: number): LogLine {
  let m = ISO.exec(text);
  if (m !== null) {
    const [, y, mo, d, h, mi, s, frac, zone, , rest] = m;
    const ms = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!) - zoneOffsetMinutes(zone!) * 60_000;
    const micros = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1e6);
    if (Number.isFinite(ms)) return withTag(ms * 1000 + micros, rest!);
  }
  m = CLASSIC.exec(text);
  if (m !== null && MONTHS[m[1]!] !== undefined) {
    const [, mon, d, h, mi, s, , rest] = m;
    const nowMs = nowMicros / 1000;
    let year = new Date(nowMs).getFullYear();
    let ms = new Date(year, MONTHS[mon!]!, +d!, +h!, +mi!, +s!).getTime();
    if (ms > nowMs + 86_400_000) ms = new Date(--year, MONTHS[mon!]!, +d!, +h!, +mi!, +s!).getTime();
    if (Number.isFinite(ms)) return withTag(ms * 1000, rest!);
  }
  m = VSFTPD.exec(text);
  if (m !== null && MONTHS[m[1]!] !== undefined) {
    const [, mon, d, h, mi, s, y, rest] = m;
    const ms = new Date(+y!, MONTHS[mon!]!, +d!, +h!, +mi!, +s!).getTime();
    if (Number.isFinite(ms)) return { timeMicros: ms * 1000, program: 'vsftpd', pid: null, message: rest! };
  }
  // No header: sshd -E writes bare messages.
  return { timeMicros: nowMicros, program: null, pid: null, message: text };
}

function withTag(timeMicros: number, rest: string): LogLine {
  const t = TAG.exec(rest);
  if (t === null) return { timeMicros, program: null, pid: null, message: rest };
  return { timeMicros, program: t[1]!, pid: t[2] === undefined ? null : Number(t[2]), message: t[3]! };
}

function zoneOffsetMinutes(zone: string): number {
  if (zone === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}
