/** The three filesystem calls the Linux lookup needs, injectable so tests can fake /proc. */
import { readFile, readdir, readlink } from 'node:fs/promises';

export interface ProcFs {
  /** Whole file as UTF-8 text. Rejects like fs/promises (ENOENT, EACCES …). */
  readFile(path: string): Promise<string>;
  /** Entry names of a directory. */
  readdir(path: string): Promise<string[]>;
  /** Target of a symbolic link. */
  readlink(path: string): Promise<string>;
}

export const nodeProcFs: ProcFs = {
  readFile: (path) => readFile(path, 'utf8'),
  readdir: (path) => readdir(path),
  readlink: (path) => readlink(path),
};

/** The error code of a rejected fs call ('ENOENT', 'EACCES' …), or ''. */
export function errorCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : '';
}
