import { parseRfc5424 } from './rfc5424.js';
import { zoneOffsetMinutes } from './zone-offset.js';

/**
 * One line of an auth log, split into the syslog header and the message. Sources that know the
 * fields already (journald) fill them; text lines are split by parseLogLine().
 */
export interface LogLine {
  /** When the line was written (from its header), or when it was read if it has no header. */
  timeMicros: number;
  /**
   * Program name of the header (sshd, sudo, vsftpd …); null when the line has no header at all
   * (sshd -E writes bare messages); '' when a header has no program tag we can read.
   */
  program: string | null;
  pid: number | null;
  /** The message after "prog[pid]: ", without a kernel-style or Solaris "[ID …]" prefix. */
  message: string;
}

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

// "Nov 21 22:15:03 host rest" (RSYSLOG_TraditionalFileFormat; local time, no year), also
// without the host and with fractions of a second.
const CLASSIC = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.\d{1,9})? (.*)$/s;
// "2026-11-21T22:15:03.123456+00:00 host rest" (rsyslog's default on Debian 12); the zone may be
// missing (local time), the T may be a space and the fraction may follow a comma (proftpd's
// own log: "2013-11-16 21:59:30,121 host proftpd[25891] …").
const ISO = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?(Z|[+-]\d\d:?\d\d)? (.*)$/s;
// vsftpd's own log: "Sun Nov 22 00:54:48 2026 [pid 2419] rest" (local time).
const VSFTPD = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4}) \[pid (\d{1,10})\] (.*)$/s;
// A syslog tag: "prog[pid]: ", "prog: ", "prog[pid] " (proftpd writes no colon after its pid),
// "[prog]: " and "[prog] " (BSD), "prog(pam_unix)[pid]: " (old PAM). Tag names hold no spaces.
const TAG = /^(?:([^\s[\]:]{1,64})(?:\[(\d{1,10})\]:? ?|: ?)|\[([^\s[\]:]{1,64})\]:? )(.*)$/s;
// A tag at the start of the rest: a header written without a host name.
const LEADING_TAG = /^(?:[^\s[\]:]{1,64}(?:\[\d{1,10}\]:?|:)(?: |$)|\[[^\s[\]:]{1,64}\]:? )/;
const PAM_TAG = /^(.{1,64})\((pam_\w{1,32})\)$/s;
// Prefixes some loggers put in front of the message: "kernel:[  970.699396]: ", "kernel: [ 9.1] ",
// and Solaris's "[ID 800047 auth.info] ".
const KERNEL_PREFIX = /^kernel: ?\[ *\d{1,12}\.\d{1,9}\]:? ?/;
const SOLARIS_ID = /^\[ID \d{1,12} [\w.]{1,32}\] /;

/**
 * Splits a text line. `nowMicros` is the time of reading: used for lines without a header and
 * to pick the year of classic syslog stamps (the latest year that does not put the line more
 * than a day into the future).
 */
export function parseLogLine(text: string, nowMicros: number): LogLine {
  let body = text;
  if (body.charCodeAt(0) === 0x3c /* < */) {
    const pri = /^<(\d{1,3})>/.exec(body);
    if (pri !== null) {
      if (body.startsWith('1 ', pri[0].length)) {
        const r = parseRfc5424(body.slice(pri[0].length + 2));
        if (r !== null) {
          const time = r.timeMs === null ? nowMicros : r.timeMs * 1000 + r.extraMicros;
          return { timeMicros: time, program: r.app, pid: r.pid, message: normalizeMessage(r.message) };
        }
      }
      // RFC 3164 with its priority: the rest is a traditional line.
      body = body.slice(pri[0].length);
    }
  }
  let m = ISO.exec(body);
  if (m !== null) {
    const [, y, mo, d, h, mi, s, frac, zone, rest] = m;
    const ms = zone === undefined ? new Date(+y!, +mo! - 1, +d!, +h!, +mi!, +s!).getTime() : Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!) - zoneOffsetMinutes(zone) * 60_000;
    const micros = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1e6);
    if (Number.isFinite(ms)) return withHostAndTag(ms * 1000 + micros, rest!);
  }
  m = CLASSIC.exec(body);
  if (m !== null && MONTHS[m[1]!] !== undefined) {
    const [, mon, d, h, mi, s, rest] = m;
    const nowMs = nowMicros / 1000;
    let year = new Date(nowMs).getFullYear();
    let ms = new Date(year, MONTHS[mon!]!, +d!, +h!, +mi!, +s!).getTime();
    if (ms > nowMs + 86_400_000) ms = new Date(--year, MONTHS[mon!]!, +d!, +h!, +mi!, +s!).getTime();
    if (Number.isFinite(ms)) return withHostAndTag(ms * 1000, rest!);
  }
  m = VSFTPD.exec(body);
  if (m !== null && MONTHS[m[1]!] !== undefined) {
    const [, mon, d, h, mi, s, y, pid, rest] = m;
    const ms = new Date(+y!, MONTHS[mon!]!, +d!, +h!, +mi!, +s!).getTime();
    if (Number.isFinite(ms)) return { timeMicros: ms * 1000, program: 'vsftpd', pid: Number(pid), message: rest! };
  }
  // No header: sshd -E writes bare messages.
  return { timeMicros: nowMicros, program: null, pid: null, message: normalizeMessage(text) };
}

/** "host prog[pid]: message" or, without a host name, "prog[pid]: message". */
function withHostAndTag(timeMicros: number, rest: string): LogLine {
  let tagged = rest;
  if (!LEADING_TAG.test(rest)) {
    const space = rest.indexOf(' ');
    tagged = space < 0 ? '' : rest.slice(space + 1);
  }
  const t = TAG.exec(tagged);
  // A header without a tag we can read: not a bare message either.
  if (t === null) return { timeMicros, program: '', pid: null, message: normalizeMessage(tagged) };
  let program = t[1] ?? t[3]!;
  let message = t[4]!;
  const pam = PAM_TAG.exec(program);
  if (pam !== null) {
    // "vsftpd(pam_unix)[15522]: authentication failure; …" (PAM before 0.99.2) reads like
    // "vsftpd: (pam_unix) authentication failure; …".
    program = pam[1]!;
    message = `(${pam[2]!}) ${message}`;
  }
  return { timeMicros, program, pid: t[2] === undefined ? null : Number(t[2]), message: normalizeMessage(message) };
}

/** Drops the prefixes some loggers put before the daemon's own text. */
export function normalizeMessage(message: string): string {
  let m = message;
  const k = KERNEL_PREFIX.exec(m);
  if (k !== null) m = m.slice(k[0].length);
  const s = SOLARIS_ID.exec(m);
  if (s !== null) m = m.slice(s[0].length);
  return m;
}
