import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** What the default locations depend on; injectable for tests. */
export interface PathContext {
  env: NodeJS.ProcessEnv;
  isRoot: boolean;
  home: string;
  platform: NodeJS.Platform;
}

export function currentPathContext(): PathContext {
  return { env: process.env, isRoot: process.getuid?.() === 0, home: homedir(), platform: process.platform };
}

/**
 * Per-user state directory: `$XDG_STATE_HOME/snoopy-tui`, else `~/.local/state/snoopy-tui`
 * (XDG Base Directory spec: a relative XDG_STATE_HOME is invalid and ignored);
 * `%LOCALAPPDATA%\snoopy-tui` on Windows.
 */
export function userStateDir(ctx: PathContext = currentPathContext()): string {
  if (ctx.platform === 'win32') {
    const local = ctx.env.LOCALAPPDATA;
    return join(local && isAbsolute(local) ? local : join(ctx.home, 'AppData', 'Local'), 'snoopy-tui');
  }
  const xdg = ctx.env.XDG_STATE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(ctx.home, '.local', 'state'), 'snoopy-tui');
}

/** `/var/lib/snoopy-tui/history.json` as root, else `<user state dir>/history.json` (--history). */
export function defaultHistoryPath(ctx: PathContext = currentPathContext()): string {
  if (ctx.isRoot && ctx.platform !== 'win32') return '/var/lib/snoopy-tui/history.json';
  return join(userStateDir(ctx), 'history.json');
}

/** `/var/log/snoopy-tui` as root, else `<user state dir>/logs` (--log-dir). */
export function defaultLogDir(ctx: PathContext = currentPathContext()): string {
  if (ctx.isRoot && ctx.platform !== 'win32') return '/var/log/snoopy-tui';
  return join(userStateDir(ctx), 'logs');
}
