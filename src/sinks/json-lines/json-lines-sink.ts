import type { Writable } from 'node:stream';
import type { RunSink } from '../run-sink.js';
import { JsonLinesWriter } from './json-lines-writer.js';

/**
 * `--headless` output: one JSON object per line on stdout — alerts (`alert`, later versions as
 * `alert_update`), the response side's events and the stats lines.
 */
export function jsonLinesSink(out: Writable, onClosed: () => void): RunSink {
  const writer = new JsonLinesWriter(out);
  writer.onClosed = onClosed;
  return {
    alert: (alert, kind) => writer.write(kind === 'new' ? alert : { ...alert, event_type: 'alert_update' }),
    response: (event) => writer.write(event),
    stats: (stats) => writer.write({ event_type: 'stats', ...stats }),
    close: () => writer.drain(),
  };
}
