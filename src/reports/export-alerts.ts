import type { Alert } from '../model/alert.js';
import { sanitizeForDisplay } from '../text/display-sanitizer.js';
import { countryOf, reverseDnsOf } from './analyze.js';
import { addressKey, type Enrichment } from './enrich.js';

/** Columns of the alert export: the alert record's fields, attack_details flattened. */
export const EXPORT_COLUMNS = [
  'id',
  'timestamp',
  'attack_type',
  'severity',
  'attacker_ip',
  'target_ip',
  'target_port',
  'protocol',
  'packet_count',
  'duration',
  'reverse_dns',
  'country',
  'process',
  'action',
  'scan_type',
  'ports_count',
] as const;

export type ExportColumn = (typeof EXPORT_COLUMNS)[number];
export type ExportRow = Record<ExportColumn, string | number | null>;

/**
 * One row per alert, oldest detection first. `country` and `reverse_dns` are the recorded values;
 * where the history has none, the report's lookups fill them in (geo always, names only when
 * reverse DNS is on).
 */
export function exportRows(alerts: readonly Alert[], enrichment: Enrichment): ExportRow[] {
  const sorted = alerts
    .map((a, i) => ({ a, i, t: Date.parse(a.timestamp) }))
    .sort((x, y) => x.t - y.t || x.i - y.i)
    .map((x) => x.a);
  return sorted.map((a) => {
    const tags = enrichment.tags.get(addressKey(a.attacker_ip));
    return {
      id: a.id,
      timestamp: a.timestamp,
      attack_type: a.attack_type,
      severity: a.severity,
      attacker_ip: a.attacker_ip,
      target_ip: a.target_ip,
      target_port: a.target_port,
      protocol: a.protocol,
      packet_count: a.packet_count,
      duration: a.duration,
      reverse_dns: a.reverse_dns ?? (enrichment.dns.enabled ? reverseDnsOf(tags, [a], true) : null),
      country: a.country ?? (tags ? countryOf(tags, [a]) : null),
      process: a.process,
      action: a.action,
      scan_type: a.attack_details.scan_type ?? null,
      ports_count: a.attack_details.ports_count ?? null,
    };
  });
}

/** First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection). */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * One CSV cell: formula-looking text gets a leading single quote (the spreadsheet then shows it as
 * text), and RFC 4180 quoting when it holds a comma, quote, CR or LF. `forTerminal` also escapes
 * control and invisible characters (CSV printed to a terminal).
 */
export function csvCell(value: string | number | null, forTerminal = false): string {
  if (value === null) return '';
  let s = typeof value === 'number' ? String(value) : value;
  if (s.length > 0 && FORMULA_START.has(s[0]!)) s = `'${s}`;
  if (forTerminal) s = sanitizeForDisplay(s, { maxWidth: 10_000 });
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180: a header line, CRLF line ends (also after the last record). */
export function toCsv(rows: readonly ExportRow[], forTerminal = false): string {
  const lines = [EXPORT_COLUMNS.join(',')];
  for (const r of rows) lines.push(EXPORT_COLUMNS.map((c) => csvCell(r[c], forTerminal)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Text export value: '-' for none, every string through the display sanitizer. */
function textValue(v: string | number | null): string {
  if (v === null || v === '') return '-';
  return typeof v === 'number' ? String(v) : sanitizeForDisplay(v, { maxWidth: 1000 });
}

/**
 * Plain text, one line per alert:
 * `TIME TYPE SEVERITY ATTACKER -> TARGET[:PORT] key=value …`, every history string sanitized.
 */
export function toText(rows: readonly ExportRow[]): string {
  const out: string[] = [];
  for (const r of rows) {
    const target = r.target_port === null ? textValue(r.target_ip) : `${textValue(r.target_ip)}:${r.target_port}`;
    const fields: [string, string | number | null][] = [
      ['protocol', r.protocol],
      ['packets', r.packet_count],
      ['duration', r.duration === null ? null : `${r.duration}s`],
      ['country', r.country],
      ['rdns', r.reverse_dns],
      ['process', r.process],
      ['action', r.action],
      ['scan', r.scan_type],
      ['ports', r.ports_count],
      ['id', r.id],
    ];
    out.push(
      [
        textValue(r.timestamp),
        textValue(r.attack_type),
        textValue(r.severity),
        textValue(r.attacker_ip),
        '->',
        target,
        ...fields.map(([k, v]) => `${k}=${textValue(v)}`),
      ].join(' '),
    );
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
