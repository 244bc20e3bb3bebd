import { join } from 'node:path';
import { currentPathContext, userStateDir, type PathContext } from '../default-paths.js';

/** `/var/lib/snoopy-tui/pcaps` as root, else `<user state dir>/pcaps` (--pcap-dir). */
export function defaultPcapDir(ctx: PathContext = currentPathContext()): string {
  if (ctx.isRoot && ctx.platform !== 'win32') return '/var/lib/snoopy-tui/pcaps';
  return join(userStateDir(ctx), 'pcaps');
}
