import type { RunConfig } from '../../config/run-config.js';
import { defaultHistoryPath, defaultLogDir } from './default-paths.js';
import { RunRecorder } from './run-recorder.js';
import { SyslogSink } from '../../platform/syslog/syslog-sink.js';

/**
 * The recorder a run config asks for. Live runs keep history and daily logs at the default
 * places unless told otherwise; a replay records nothing unless --history / --log-dir say where,
 * so replaying someone else's capture never mixes into this host's history. Live runs also
 * send new alerts to syslog (config key `syslog`).
 */
export function openRecorder(config: RunConfig, warn: (line: string) => void): Promise<RunRecorder> {
  const live = config.replayFile === null;
  return RunRecorder.open({
    historyFile: config.historyFile ?? (live ? defaultHistoryPath() : null),
    logDir: config.logDir ?? (live ? defaultLogDir() : null),
    // Syslog / journald for live runs (a replay is not news for the system log).
    syslog: live && config.syslog ? new SyslogSink() : null,
    warn,
  });
}
