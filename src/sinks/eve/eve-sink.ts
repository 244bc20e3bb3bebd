import type { AlertAction } from '../../model/alert.js';
import type { RunSink } from '../run-sink.js';
import { eveAlert, eveStats } from './eve-record.js';
import { ReopeningFile } from './reopening-file.js';

/** Alerts whose last written action is remembered (an update that changes it is written again). */
const MAX_TRACKED = 4096;

/**
 * Suricata-EVE-shaped lines (`--eve FILE`): one `alert` line per new alert, again when its action
 * changes (proof arrived and it was blocked), and one `stats` line per stats interval. Filebeat's
 * and Elastic Agent's Suricata integrations and Vector read them as they read Suricata's.
 */
export function eveSink(path: string, warn: (line: string) => void): RunSink {
  const file = new ReopeningFile(path, warn);
  const written = new Map<string, AlertAction>();
  const line = (record: object) => file.write(`${JSON.stringify(record)}\n`);
  return {
    alert(alert, kind) {
      if (kind === 'update' && written.get(alert.id) === alert.action) return;
      if (kind === 'update' && !written.has(alert.id)) return;
      written.delete(alert.id);
      if (written.size >= MAX_TRACKED) written.delete(written.keys().next().value as string);
      written.set(alert.id, alert.action);
      line(eveAlert(alert));
    },
    stats(stats) {
      line(eveStats(stats, Date.now()));
    },
    close: () => file.close(),
  };
}
