import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { GeoLookupFn } from '../enrich/geo/index.js';
import { buildAnalyzeReport, rankAttackers } from './analyze.js';
import { enrichAddresses, type Enrichment } from './enrich.js';
import { exportRows, toCsv, toText } from './export-alerts.js';
import { buildGeolocateReport } from './geolocate.js';
import { loadReportHistory, ReportHistoryError, type ReportHistory } from './load-history.js';
import { renderAnalyzeTable, renderGeolocateTable } from './render-table.js';
import type { TextStyle } from './text-table.js';

export type ReportKind = 'analyze' | 'geolocate';
export type ReportFormat = 'table' | 'json' | 'csv' | 'text';

export interface ReportOptions {
  historyFile: string;
  /** table: readable report; json: the same report as one JSON document; csv, text: the alert list. */
  format: ReportFormat;
  /** Write the output to this file (mode 0640, replaced atomically) instead of stdout. */
  export?: string;
  /** Look up reverse-DNS names of attackers (public addresses only; 3 s overall). */
  reverseDns: boolean;
  /** Report time (generated_at); default now. */
  now?: Date;
}

export interface ReportIo {
  stdout: NodeJS.WritableStream;
  /** One line for stderr: notes, warnings, errors. */
  diagnostic(line: string): void;
}

/** Test seams; the CLI passes none. */
export interface ReportDeps {
  geoLoader?: () => Promise<GeoLookupFn>;
  resolveDns?: (ip: string) => Promise<string[]>;
  dnsDeadlineMs?: number;
  /** Environment for NO_COLOR; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Table width; default the terminal's columns, else 120. */
  columns?: number;
}

const DEFAULT_COLUMNS = 80;
const MIN_COLUMNS = 72;

/**
 * `--analyze` / `--geolocate`: reads the history (file and archives, read-only, no lock), tags
 * the attackers, and writes the report in the chosen format to stdout or the export file.
 * Returns the exit status: 0, or 1 when there is no history file (a wrong --history must not
 * read as "no attacks"), it cannot be read, or the export cannot be written.
 */
export async function runReport(kind: ReportKind, options: ReportOptions, io: ReportIo, deps: ReportDeps = {}): Promise<number> {
  let history: ReportHistory;
  try {
    history = await loadReportHistory(options.historyFile);
  } catch (e) {
    io.diagnostic(e instanceof ReportHistoryError ? e.message : `cannot read history file ${resolve(options.historyFile)}: ${firstLine(e)}`);
    return 1;
  }
  if (!history.found) {
    io.diagnostic(`no history file at ${history.path} (nothing recorded there; --history FILE names another)`);
    return 1;
  }
  for (const w of history.warnings) io.diagnostic(`warning: ${w}`);

  const now = options.now ?? new Date();
  const enrichment = await enrich(history, options, deps);
  if (enrichment.geoState === 'failed' && enrichment.geoError !== null) io.diagnostic(`warning: ${enrichment.geoError}`);

  const toFile = options.export !== undefined;
  const stdoutTty = !toFile && (io.stdout as { isTTY?: boolean }).isTTY === true;
  let text: string;
  switch (options.format) {
    case 'json':
      text = toJson(kind === 'analyze' ? buildAnalyzeReport(history, enrichment, now) : buildGeolocateReport(history, enrichment, now));
      break;
    case 'csv':
      text = toCsv(exportRows(history.alerts, enrichment), stdoutTty);
      break;
    case 'text':
      text = toText(exportRows(history.alerts, enrichment));
      break;
    case 'table': {
      const env = deps.env ?? process.env;
      const style: TextStyle = {
        color: stdoutTty && (env['NO_COLOR'] ?? '') === '' && env['TERM'] !== 'dumb',
        width: Math.max(MIN_COLUMNS, deps.columns ?? (stdoutTty ? ((io.stdout as { columns?: number }).columns ?? DEFAULT_COLUMNS) : DEFAULT_COLUMNS)),
      };
      text =
        kind === 'analyze'
          ? renderAnalyzeTable(buildAnalyzeReport(history, enrichment, now), style)
          : renderGeolocateTable(buildGeolocateReport(history, enrichment, now), style);
      break;
    }
  }

  if (toFile) {
    const target = resolve(options.export!);
    try {
      await writeExport(target, text);
    } catch (e) {
      io.diagnostic(`cannot write export file ${target}: ${firstLine(e)}`);
      return 1;
    }
    io.diagnostic(`wrote the ${kind} report (${options.format}) to ${target}`);
    return 0;
  }
  await writeOut(io.stdout, text);
  return 0;
}

/** Geo tags for every attacker; reverse DNS (when on) for the most active ones first. */
function enrich(history: ReportHistory, options: ReportOptions, deps: ReportDeps): Promise<Enrichment> {
  const addresses = rankAttackers(history.alerts).map((a) => a.key);
  return enrichAddresses(addresses, {
    reverseDns: options.reverseDns,
    ...(deps.geoLoader ? { geoLoader: deps.geoLoader } : {}),
    ...(deps.resolveDns ? { resolveDns: deps.resolveDns } : {}),
    ...(deps.dnsDeadlineMs !== undefined ? { dnsDeadlineMs: deps.dnsDeadlineMs } : {}),
  });
}

/**
 * One JSON document, keys in the order the report builders give them. Strings stay the recorded
 * data, but characters that drive or hide things in a terminal (C1 controls, bidi, zero-width,
 * line separators …) are written as \u escapes, so printing the JSON is safe and parsing it gives
 * the raw values back. (JSON.stringify already escapes C0 controls and lone surrogates.)
 */
export function toJson(report: object): string {
  return `${JSON.stringify(report, null, 2).replace(UNSAFE_IN_JSON, escapeUnits)}\n`;
}

// C0 controls are left out: inside strings JSON.stringify escapes them, outside are the layout's newlines.
const UNSAFE_IN_JSON = /[\x7f-\x9f\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/gu;

function escapeUnits(ch: string): string {
  let out = '';
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

function writeOut(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((done, fail) => {
    const onError = (e: Error): void => fail(e);
    stream.once('error', onError);
    stream.write(text, (err) => {
      stream.removeListener('error', onError);
      // EPIPE (`| head`) is the reader's choice, not a failure of the report.
      if (err && (err as NodeJS.ErrnoException).code !== 'EPIPE') fail(err);
      else done();
    });
  });
}

/** Writes a temp file (0640) beside the target, then renames it over: no half-written exports. */
async function writeExport(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let renamed = false;
  try {
    const fh = await open(temp, 'wx', 0o640);
    try {
      await fh.chmod(0o640); // the umask may have taken bits away
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temp, path);
    renamed = true;
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}
