import type { Writable } from 'node:stream';
import type { RunConfig } from '../config/run-config.js';
import { assembleRun, type AssembledRun } from '../engine/assemble/assemble-run.js';
import type { Host } from '../host/host.js';
import { systemHost } from '../host/system-host.js';
import { jsonLinesSink } from '../sinks/json-lines/json-lines-sink.js';
import { verboseSink } from '../sinks/verbose/verbose-sink.js';
import { reloadOnSighup } from './reload-on-sighup.js';
import { StopSignals } from './stop-signals.js';
import { TIMING_PREFIX, type BlockTiming } from '../response/block-timing.js';

export interface HeadlessIo {
  stdout: Writable;
  /** One diagnostic line (no trailing newline needed). */
  diagnostic(line: string): void;
  /** Reads the flags and -c file again (SIGHUP); throws ConfigError when the new config is bad. */
  reloadConfig?: () => RunConfig;
  /** The machine to run on (tests pass a fake one). */
  host?: Host;
  /** Write each automatic block's stage timestamps as a `snoopy-timing {…}` line through `diagnostic`. */
  blockTiming?: boolean;
}

/**
 * `--headless`: alerts, alert updates, block events and stats as JSON lines on stdout. A replay
 * ends with a stats line; a live run prints one every --refresh seconds and a last one on
 * SIGINT/SIGTERM. Returns the exit status.
 */
export async function runHeadless(config: RunConfig, io: HeadlessIo): Promise<number> {
  const signals = new StopSignals();
  let run: AssembledRun | null = null;
  try {
    const say = (line: string) => io.diagnostic(`snoopy-tui: ${line}`);
    run = await assembleRun({
      config,
      host: io.host ?? systemHost(),
      canPrompt: false,
      warn: say,
      ...(config.debug ? { debug: say } : {}),
      ...(io.blockTiming === true ? { onBlockTiming: (t: BlockTiming) => io.diagnostic(`${TIMING_PREFIX} ${JSON.stringify(t)}`) } : {}),
      // A closed stdout (`| head`) ends the run quietly.
      sinks: [jsonLinesSink(io.stdout, () => run?.stop()), verboseSink(() => run?.config.verbose ?? false, io.diagnostic)],
    });
    const current = run;
    const stopListening = reloadOnSighup(current, io.reloadConfig, io.diagnostic);
    // Printed once signals are handled: a test (or a script) may signal as soon as it sees it.
    if (config.debug) say(`reading ${current.source.kind === 'live' ? 'interface' : 'file'} ${current.source.description}${current.homeNet ? `, home net ${current.homeNet.join(',')}` : ''}`);
    signals.whenStopped(() => current.stop());
    const end = await current.run();
    await current.close();
    stopListening();
    if (end.reason === 'error') {
      say(end.error ?? 'capture ended with an error');
      return 2;
    }
    // What was printed may not all be kept: the exit status says so too (not only stderr).
    const failed = current.recorder.historyWriteErrors;
    if (failed > 0) {
      say(`error: ${failed} history write(s) failed during the run; the history file may be missing alerts or blocks that were printed`);
      return 3;
    }
    return 0;
  } finally {
    signals.dispose();
  }
}
