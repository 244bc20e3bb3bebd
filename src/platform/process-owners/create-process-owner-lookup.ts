import { LinuxProcLookup, type LinuxProcLookupOptions } from './linux-proc-lookup.js';
import { NullProcessOwnerLookup, type ProcessOwnerLookup } from './process-owner-lookup.js';

/** The lookup for `platform`: /proc on Linux, NullProcessOwnerLookup elsewhere (see the file comment). */
export function createProcessOwnerLookup(platform: NodeJS.Platform = process.platform, options: LinuxProcLookupOptions = {}): ProcessOwnerLookup {
  if (platform === 'linux') return new LinuxProcLookup(options);
  return new NullProcessOwnerLookup();
}
