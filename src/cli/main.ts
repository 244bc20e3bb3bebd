import { readFileSync, statSync } from 'node:fs';
import { parseCliArgs, type CliFlags } from './args.js';
import type { RunConfig } from '../config/run-config.js';
import { HELP_TEXT } from './help.js';
import { ConfigError } from '../config/config-error.js';
import { SourceOpenError } from '../engine/capture/packet-source.js';
import { sanitizeLine } from '../text/display-sanitizer.js';
// Everything else loads when a mode needs it: --version and --help read no configuration and
// load no engine, UI or geo tables, so they answer at once.

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The terminal UI's start (cli/tui-entry.ts): the one-file bundle `npm run build` makes
 * (scripts/bundle-ui.mjs) when it is there and not older than the module it was made from,
 * else that module.
 */
async function loadTui(): Promise<TuiEntry> {
  const bundle = new URL('./tui-entry.bundle.js', import.meta.url);
  const mtime = (url: URL): number => statSync(url, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  if (mtime(bundle) >= mtime(new URL('./tui-entry.js', import.meta.url)) && mtime(bundle) > 0) {
    return (await import(bundle.href)) as TuiEntry;
  }
  return import('./tui-entry.js');
}

type TuiEntry = typeof import('./tui-entry.js');

/** Nothing but the terminal UI can come of these flags (reports, one-shots and headless runs cannot). */
function onlyTheTuiCanFollow(flags: CliFlags): boolean {
  return (
    !flags.headless &&
    !flags.testAlerts &&
    !flags.analyze &&
    !flags.geolocate &&
    flags.blocklistExport === undefined &&
    flags.unblock === undefined &&
    !flags.flush &&
    !flags.json &&
    flags.format === undefined &&
    flags.export === undefined &&
    process.stdout.isTTY === true &&
    process.stdin.isTTY === true
  );
}

/**
 * Before Ink and React load: React's development build measures every render (User Timing) and
 * checks props, several times the CPU, and is chosen at import time; Ink renders only the last
 * frame when it believes it runs in CI (CI=true), while here a person is watching a terminal.
 */
function prepareUiEnvironment(): void {
  process.env['NODE_ENV'] ??= 'production';
  delete process.env['CI'];
  delete process.env['CONTINUOUS_INTEGRATION'];
}

/** The bundle's resolveRunConfig, its ConfigError turned into ours (the bundle has its own class). */
function resolveInBundle(tui: TuiEntry, flags: CliFlags): RunConfig {
  try {
    return tui.resolveRunConfig(flags);
  } catch (e) {
    if (e instanceof tui.ConfigError) throw new ConfigError(e.message);
    throw e;
  }
}

const REPORT_FORMATS = ['table', 'json', 'csv', 'text'] as const;

/** --analyze / --geolocate: reports over the history file, no capture, no root needed. */
async function runReportFromFlags(flags: CliFlags, config: RunConfig): Promise<number> {
  if (flags.analyze && flags.geolocate) return fail('--analyze and --geolocate are separate reports: pick one');
  const format = flags.json ? 'json' : (flags.format ?? 'table');
  if (!REPORT_FORMATS.includes(format as (typeof REPORT_FORMATS)[number])) return fail(`--format must be one of ${REPORT_FORMATS.join(', ')}, got '${format}'`);
  if (flags.json && flags.format !== undefined && flags.format !== 'json') return fail('--json and --format disagree: use one');
  const { runReport } = await import('../reports/run-report.js');
  const { defaultHistoryPath } = await import('../store/default-paths.js');
  return runReport(
    flags.analyze ? 'analyze' : 'geolocate',
    {
      historyFile: config.historyFile ?? defaultHistoryPath(),
      format: format as (typeof REPORT_FORMATS)[number],
      ...(flags.export !== undefined ? { export: flags.export } : {}),
      reverseDns: config.reverseDns,
    },
    { stdout: process.stdout, diagnostic: (line) => errLine(`snoopy-tui: ${line}`) },
  );
}

/** --test-alerts: one test message through every enabled channel, one line per channel. */
async function runTestAlerts(config: RunConfig): Promise<number> {
  const { sendTestAlerts, formatTestAlerts } = await import('../sinks/notify/test-alerts.js');
  const results = await sendTestAlerts(config);
  process.stdout.write(formatTestAlerts(results));
  return results.length > 0 && results.every((r) => r.ok) ? 0 : 1;
}

/**
 * Every error line goes through the one sanitizer: text from the command line, files or the
 * network (`-i $'\e]52;…\a'`) shows as visible escapes (\e, \a, \u{9b}), never as raw controls.
 */
function errLine(line: string): void {
  process.stderr.write(`${sanitizeLine(line)}\n`);
}

function fail(message: string): number {
  errLine(`snoopy-tui: ${message}`);
  return 1;
}

// A closed terminal or pipe on stderr (a dropped SSH link) is no reason for a stack trace.
process.stderr.on('error', () => undefined);

async function main(argv: string[]): Promise<number> {
  const flags = parseCliArgs(argv);
  if (flags.help) {
    process.stdout.write(HELP_TEXT);
    return 0;
  }
  if (flags.version) {
    process.stdout.write(`snoopy-tui ${version()}\n`);
    return 0;
  }
  // --dashboard names the TUI explicitly; asking for both modes is a mistake, not a choice.
  if (flags.dashboard && flags.headless) return fail('--dashboard (terminal UI) and --headless exclude each other: pick one');
  if (flags.review && (flags.headless || flags.replay !== undefined || flags.interface !== undefined || flags.analyze || flags.geolocate)) {
    return fail('--review opens the terminal UI on the history file alone: not with --headless, --replay, --interface, --analyze or --geolocate');
  }
  // The terminal UI's bundle carries the config layer too: loaded first, it saves reading the
  // same modules one by one.
  let tui: TuiEntry | null = null;
  if (onlyTheTuiCanFollow(flags)) {
    prepareUiEnvironment();
    tui = await loadTui();
  }
  const config = tui !== null ? resolveInBundle(tui, flags) : (await import('./resolve-config.js')).resolveRunConfig(flags);
  if (flags.testAlerts) return runTestAlerts(config);
  if (flags.analyze || flags.geolocate) return runReportFromFlags(flags, config);
  if (flags.blocklistExport !== undefined) {
    const { exportBlocklists } = await import('./export-blocklists.js');
    return exportBlocklists(config.blocklists, flags.blocklistExport, { out: (line) => process.stdout.write(`${line}\n`), err: errLine });
  }
  if (flags.unblock !== undefined) {
    const list = flags.unblock.split(',').map((a) => a.trim()).filter((a) => a !== '');
    if (list.length === 0) return fail('--unblock needs an address');
    const { runUnblock } = await import('./run-unblock.js');
    return runUnblock(config, list, { out: (line) => process.stdout.write(`${line}\n`), err: errLine });
  }
  if (flags.flush) {
    const { runFlush } = await import('./run-flush.js');
    return runFlush(config, { out: (line) => process.stdout.write(`${line}\n`), err: errLine });
  }
  if (flags.json || flags.format !== undefined || flags.export !== undefined) {
    return fail('--json, --format and --export go with --analyze or --geolocate');
  }
  if (!config.headless) {
    if (!process.stdout.isTTY || !process.stdin.isTTY) return fail('the terminal UI needs a terminal on stdin and stdout; use --headless for pipes and services');
    prepareUiEnvironment();
    const { runTui } = tui ?? (await loadTui());
    return runTui(config, { review: flags.review === true });
  }
  // Least privilege: a live headless run as root is the engine itself; it restarts with only
  // the capabilities it needs (CAP_NET_RAW, CAP_NET_ADMIN, and CAP_SYS_PTRACE for process names).
  const { CAPS_DROPPED_ENV, engineCapabilities, reducedCapabilityPrefix } = await import('../platform/privileges/engine-capabilities.js');
  if (config.replayFile === null && process.getuid?.() === 0 && process.env[CAPS_DROPPED_ENV] === undefined) {
    const { relaunchReduced } = await import('../platform/privileges/relaunch-reduced.js');
    const { argv, why } = reducedCapabilityPrefix(engineCapabilities(config.processes));
    if (why !== null) errLine(`snoopy-tui: warning: ${why}`);
    if (argv !== null) return relaunchReduced(argv);
  }
  const { runHeadless } = await import('../headless/run-headless.js');
  const { resolveRunConfig } = await import('./resolve-config.js');
  return runHeadless(config, {
    stdout: process.stdout,
    diagnostic: errLine,
    // SIGHUP (systemctl reload) reads the same flags and -c file again.
    reloadConfig: () => resolveRunConfig(flags),
    // Latency tracing for benchmarks: stage timestamps of each automatic block on stderr.
    blockTiming: process.env['SNOOPY_TIMING'] === '1',
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof ConfigError || e instanceof SourceOpenError) process.exitCode = fail(e.message);
    else {
      for (const line of `snoopy-tui: internal error: ${(e as Error).stack ?? String(e)}`.split('\n')) errLine(line);
      process.exitCode = 70;
    }
  },
);
