import { ConfigError } from '../config/config-error.js';
import type { RunConfig } from '../config/run-config.js';
import type { AssembledRun } from '../engine/assemble/assemble-run.js';

/**
 * SIGHUP (systemctl reload): reads the config again; new thresholds reach the running
 * detectors, which keep their state. A bad file changes nothing. Without -c there is nothing to
 * read. Returns the function that stops listening.
 */
export function reloadOnSighup(run: AssembledRun, reloadConfig: (() => RunConfig) | undefined, diagnostic: (line: string) => void): () => void {
  const onSignal = (): void => {
    const file = run.config.configFile;
    if (reloadConfig === undefined || file === null) {
      diagnostic('snoopy-tui: warning: SIGHUP: no config file to reload (start with -c FILE)');
      return;
    }
    let next: RunConfig;
    try {
      next = reloadConfig();
    } catch (e) {
      const why = e instanceof ConfigError ? e.message : (e as Error).message;
      diagnostic(`snoopy-tui: warning: SIGHUP: config not reloaded, keeping the running one: ${why}`);
      return;
    }
    const report = run.reload(next);
    const scan = next.thresholds.portScan;
    diagnostic(
      `snoopy-tui: reloaded ${file}: port scan ${scan.ports} ports / ${scan.windowSeconds} s` +
        (report.applied.length > 0 ? `; applied: ${report.applied.join(', ')}` : '; no detector setting changed') +
        (report.notApplied.length > 0 ? `; not applied until restart: ${report.notApplied.join(', ')}` : ''),
    );
  };
  process.on('SIGHUP', onSignal);
  return () => process.removeListener('SIGHUP', onSignal);
}
