import { constants as fsConstants } from 'node:fs';
import { chmod, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';

/** An open pcap file: whole-buffer writes, then close. */
export interface ForensicFile {
  /** Writes all of `data` (looping over short writes) or rejects. */
  write(data: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** What the recorder needs from the file system; injectable so tests can fill the disk. */
export interface ForensicFileSystem {
  /** Creates `dir` (and parents) if missing, mode 0750. */
  ensureDir(dir: string): Promise<void>;
  /** Creates a new file, mode 0640; rejects with code EEXIST when `path` exists. */
  create(path: string): Promise<ForensicFile>;
}

export const nodeForensicFileSystem: ForensicFileSystem = {
  async ensureDir(dir) {
    const first = await mkdir(dir, { recursive: true, mode: 0o750 });
    if (first === undefined) return;
    // The umask may have narrowed or widened nothing we want: set 0750 on what we created.
    for (let d = dir; ; d = dirname(d)) {
      await chmod(d, 0o750);
      if (d === first || dirname(d) === d) break;
    }
  },
  async create(path) {
    const fh = await open(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o640);
    try {
      await fh.chmod(0o640); // whatever the umask
    } catch (e) {
      await fh.close().catch(() => undefined);
      throw e;
    }
    return {
      async write(data) {
        let off = 0;
        while (off < data.length) {
          const { bytesWritten } = await fh.write(data, off, data.length - off);
          if (bytesWritten <= 0) throw Object.assign(new Error('short write'), { code: 'EIO' });
          off += bytesWritten;
        }
      },
      close: () => fh.close(),
    };
  },
};
