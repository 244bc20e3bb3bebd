import type { RunRecorder } from '../../store/run-recorder.js';
import type { RunSink } from '../run-sink.js';

/** The history file and the daily JSON logs: every alert (latest version), every block decision and unblock. */
export function historySink(recorder: RunRecorder): RunSink {
  return {
    alert: (alert, kind) => recorder.alert(alert, kind),
    record: (record, kind, reason) => (kind === 'block' ? recorder.block(record) : recorder.unblock(record, reason ?? 'manual')),
    close: () => recorder.close(),
  };
}
