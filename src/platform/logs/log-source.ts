/** A line of an auth log as a source delivers it. */
export interface SourceLine {
  text: string;
  /** Filled by sources that know them (journald); text lines leave the header to the parser. */
  timeMicros?: number;
  program?: string | null;
  pid?: number | null;
}

/** Where auth-log lines come from: a followed file or the journal. */
export interface LogSource {
  readonly description: string;
  /** Starts delivering lines; resolves when a finite source (replay) has delivered everything. */
  start(onLine: (line: SourceLine) => void): Promise<void>;
  stop(): void;
  stats(): { lines: number; oversized: number; rotations: number; truncations: number };
  /** Entries that claimed a watched program without proof of being it (journald only). */
  readonly untrusted?: number;
}
