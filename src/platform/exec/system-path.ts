import { accessSync, constants, statSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';

/**
 * Where the system keeps its tools, searched in this order whatever $PATH says (a root
 * process must not run what a user's PATH puts first): Debian and Ubuntu use /usr/sbin and
 * /usr/bin, RHEL /usr/sbin, Alpine /sbin and /bin, local installs /usr/local.
 */
export const SYSTEM_PATH: readonly string[] = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Is `path` an executable regular file? */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path of a tool: `name` itself when it is an absolute path to an executable file,
 * else the first executable file of that base name on SYSTEM_PATH, else null.
 */
export function resolveTool(name: string, dirs: readonly string[] = SYSTEM_PATH, executable: (path: string) => boolean = isExecutableFile): string | null {
  if (isAbsolute(name) && executable(name)) return name;
  const base = basename(name);
  if (base === '' || base === '.' || base === '..') return null;
  for (const dir of dirs) {
    const candidate = join(dir, base);
    if (candidate !== name && executable(candidate)) return candidate;
  }
  return null;
}
