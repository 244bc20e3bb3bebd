/** Opening the history failed for a reason the user must fix; the message is one line. */
export class HistoryOpenError extends Error {
  override name = 'HistoryOpenError';
}

/** Another live process holds the history's lock file. */
export class LockHeldError extends HistoryOpenError {
  override name = 'LockHeldError';
  constructor(
    readonly lockPath: string,
    readonly pid: number,
  ) {
    super(
      `history file ${lockPath.replace(/\.lock$/, '')} is in use by another snoopy-tui (pid ${pid}); ` +
        `stop it or pass a different --history file (if pid ${pid} is not snoopy-tui, remove ${lockPath})`,
    );
  }
}
