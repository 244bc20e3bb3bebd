/**
 * RFC 5424 messages, by hand (no kept library frames octet counting and structured data):
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID PARAM="VALUE" …] MSG`.
 * Parameter values are UTF-8 with `"`, `\` and `]` escaped (RFC 5424 §6.3.3); everything else
 * in the header is printable US-ASCII. Attacker text reaches a value only after the display
 * sanitizer (controls, bidi overrides and lone surrogates escaped, width capped).
 */
import { sanitizeForDisplay } from '../../text/display-sanitizer.js';

/** The SD-ID of our parameters; 32473 is the private enterprise number set aside for documentation (RFC 5612). */
export const SD_ID = 'snoopy@32473';
/** Facility `auth` (4), as the local syslog output uses. */
const FACILITY = 4;

export interface Rfc5424Message {
  /** syslog severity 0..7 */
  severity: number;
  /** Wall-clock ms of the message. */
  time: number;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  /** Parameters in order; null and empty values are left out. */
  params: [string, string | number | null][];
  /** Free text (printable ASCII: it carries no attacker text). */
  msg: string;
}

/** Our severities → syslog's: critical → crit, high → err, medium → warning, low → notice. */
export function syslogSeverity(severity: string): number {
  return severity === 'critical' ? 2 : severity === 'high' ? 3 : severity === 'medium' ? 4 : 5;
}

/** One message, without framing. */
export function formatRfc5424(m: Rfc5424Message): string {
  const pri = FACILITY * 8 + Math.max(0, Math.min(7, m.severity));
  const params = m.params
    .filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => ` ${paramName(k)}="${escapeParamValue(String(v))}"`)
    .join('');
  const sd = params === '' ? '-' : `[${SD_ID}${params}]`;
  const msg = printableAscii(m.msg, 1024);
  return `<${pri}>1 ${new Date(m.time).toISOString()} ${headerField(m.hostname, 255)} ${headerField(m.appName, 48)} ${headerField(m.procId, 128)} ${headerField(m.msgId, 32)} ${sd}${msg === '' ? '' : ` ${msg}`}`;
}

/** A value from anywhere (attacker text included): sanitized, capped, then escaped for SD. */
export function sdValue(text: string | null | undefined, maxWidth = 120): string | null {
  if (text === null || text === undefined || text === '') return null;
  return sanitizeForDisplay(text, { maxWidth });
}

/** `"`, `\` and `]` get a backslash (RFC 5424 §6.3.3). */
export function escapeParamValue(v: string): string {
  return v.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** Octet-counting framing for TCP (RFC 6587 §3.4.1): the length in bytes, not characters. */
export function octetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

/** SD-NAME: printable US-ASCII except `=`, space, `]` and `"`, 1..32 characters. */
function paramName(k: string): string {
  const n = k.replace(/[^\x21-\x7e]|[= \]"]/g, '_').slice(0, 32);
  return n === '' ? '_' : n;
}

/** A header field: printable US-ASCII, or `-` (the nil value). */
function headerField(v: string, max: number): string {
  const t = v.replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return t === '' ? '-' : t;
}

function printableAscii(v: string, max: number): string {
  return v.replace(/[^\x20-\x7e]/g, '?').slice(0, max);
}
