import type { RunConfig } from '../../config/run-config.js';
import { defaultHistoryPath, defaultLogDir } from '../../store/default-paths.js';
import { RunRecorder } from '../../store/run-recorder.js';

/**
 * The recorder a run config asks for. Live runs keep history and daily logs at the default
 * places unless told otherwise; a replay records nothing unless --history / --log-dir say where,
 * so replaying someone else's capture never mixes into this host's history. (Syslog is a
 * notification channel now: src/platform/notify.)
 */
export function openRecorder(config: RunConfig, warn: (line: string) => void): Promise<RunRecorder> {
  const live = config.replayFile === null;
  return RunRecorder.open({
    historyFile: config.historyFile ?? (live ? defaultHistoryPath() : null),
    logDir: config.logDir ?? (live ? defaultLogDir() : null),
    warn,
  });
}
