import type { RunSink } from '../run-sink.js';
import { verboseAlertLine } from './verbose-line.js';

/** -v: a human-readable line per new alert on stderr; `enabled` is read per alert, so a reload can turn it on. */
export function verboseSink(enabled: () => boolean, diagnostic: (line: string) => void): RunSink {
  return {
    alert: (alert, kind) => {
      if (kind === 'new' && enabled()) diagnostic(verboseAlertLine(alert));
    },
  };
}
