import { zoneOffsetMinutes } from './zone-offset.js';

/** The parts of an RFC 5424 line an auth log needs. */
export interface Rfc5424Line {
  /** Milliseconds since the epoch; null for the nil timestamp "-". */
  timeMs: number | null;
  /** Microseconds below the millisecond (the stamp may carry up to six digits). */
  extraMicros: number;
  /** APP-NAME; '' for the nil value. */
  app: string;
  /** PROCID when it is a number. */
  pid: number | null;
  message: string;
}

const STAMP = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/**
 * The part of an RFC 5424 line after "<PRI>1 ": TIMESTAMP HOSTNAME APP-NAME PROCID MSGID
 * STRUCTURED-DATA [MSG]. Structured data is skipped element by element, honouring quoted values
 * with escaped quotes and brackets inside. Null when the line is not of that shape.
 */
export function parseRfc5424(rest: string): Rfc5424Line | null {
  const fields: string[] = [];
  let at = 0;
  for (let i = 0; i < 5; i++) {
    const sp = rest.indexOf(' ', at);
    if (sp <= at) return null;
    fields.push(rest.slice(at, sp));
    at = sp + 1;
  }
  const [stamp, , app, procid] = fields as [string, string, string, string, string];
  let timeMs: number | null = null;
  let extraMicros = 0;
  if (stamp !== '-') {
    const m = STAMP.exec(stamp);
    if (m === null) return null;
    const [, y, mo, d, h, mi, s, frac, zone] = m;
    timeMs = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!) - zoneOffsetMinutes(zone!) * 60_000;
    if (!Number.isFinite(timeMs)) return null;
    if (frac !== undefined) {
      const micros = Math.floor(Number(`0.${frac}`) * 1e6);
      timeMs += Math.floor(micros / 1000);
      extraMicros = micros % 1000;
    }
  }
  // STRUCTURED-DATA: "-" or one or more "[id param="value" …]".
  if (rest[at] === '-') at++;
  else {
    if (rest[at] !== '[') return null;
    while (rest[at] === '[') {
      const end = endOfElement(rest, at);
      if (end < 0) return null;
      at = end + 1;
    }
  }
  let message = '';
  if (at < rest.length) {
    if (rest[at] !== ' ') return null;
    message = rest.slice(at + 1);
    if (message.charCodeAt(0) === 0xfeff) message = message.slice(1);
  }
  const pid = /^\d{1,10}$/.test(procid) ? Number(procid) : null;
  return { timeMs, extraMicros, app: app === '-' ? '' : app, pid, message };
}

/** Index of the "]" closing the element opened at `start`; -1 when it is not closed. */
function endOfElement(s: string, start: number): number {
  let quoted = false;
  for (let i = start + 1; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ']' && !quoted) return i;
  }
  return -1;
}
