export { defaultHistoryPath, defaultLogDir, userStateDir, type PathContext } from './default-paths.js';
export { writeFileDurably, writeFileDurablySync } from './durable-write.js';
export {
  isAlert,
  isHistoryEntry,
  HISTORY_FORMAT_VERSION,
  type HistoryFileData,
} from './history/history-entry.js';
export { HistoryOpenError, LockHeldError } from './history/history-open-error.js';
export { HistoryStore, latestVersions, readHistoryFiles, type HistoryStatus, type HistoryStoreOptions } from './history/history-store.js';
export type { TextWriter } from './history/history-file-adapter.js';
export { DailyJsonLog, type AppendText, type DailyJsonLogOptions, type DailyJsonLogStatus } from './daily-log/daily-json-log.js';
export { attacksFileName, blockedFileName, blockEventLine } from './daily-log/log-lines.js';
