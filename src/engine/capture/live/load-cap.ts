import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SourceOpenError } from '../packet-source.js';

/** The parts of the `cap` binding we use. */
export interface CapModule {
  Cap: {
    new (): CapHandle;
    deviceList(): { name: string; description?: string }[];
  };
}

export interface CapHandle {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): void;
  on(event: 'packet', listener: (nbytes: number, truncated: boolean) => void): void;
  /** Batch mode (setBatchMode): `bytes` of whole records in the buffer, `count` of them. */
  on(event: 'batch', listener: (bytes: number, count: number) => void): void;
  removeAllListeners(event?: string): void;
  /**
   * pcap_stats() of the open handle, or null once closed. Not in cap 0.2.1 itself: added by
   * scripts/patch-cap.mjs at install; absent when the patch could not be applied.
   */
  stats?(): CapKernelStats | null;
  /**
   * Batch mode on or off: records [u32 caplen][u32 original length][u32 ts s][u32 ts µs][bytes]
   * in host byte order, one 'batch' per full buffer or drained ring. Added by scripts/patch-cap.mjs.
   */
  setBatchMode?(on: boolean): boolean;
}

/** libpcap's counters since open (32-bit, they wrap). */
export interface CapKernelStats {
  received: number;
  /** Dropped by the kernel because the capture buffer was full. */
  dropped: number;
  /** Dropped by the interface or its driver (from the interface's own counters). */
  ifDropped: number;
}

let loaded: CapModule | null = null;

/**
 * The binding built for this Node's ABI beside the default one, when there is one:
 * node_modules/cap/build/node-abi-<process.versions.modules>/cap.node (scripts/node-matrix.mjs
 * builds them to run the tests on several Node majors from one install). It is set up the way
 * cap's own lib/Cap.js sets up build/Release/cap.node. Null when there is none.
 */
function loadAbiBuild(require: NodeJS.Require): CapModule | null {
  let pkgDir: string;
  try {
    pkgDir = dirname(require.resolve('cap/package.json'));
  } catch {
    return null;
  }
  const path = join(pkgDir, 'build', `node-abi-${process.versions.modules}`, 'cap.node');
  if (!existsSync(path)) return null;
  const addon = require(path) as CapModule & { Cap: { prototype: object }; deviceList: CapModule['Cap']['deviceList'] };
  Object.setPrototypeOf(addon.Cap.prototype, EventEmitter.prototype);
  addon.Cap.deviceList = addon.deviceList;
  return addon;
}

/**
 * Loads `cap` on first use: replays and reports must work on machines without libpcap. A load
 * failure becomes one line that says how to install what is missing.
 */
export function loadCap(): CapModule {
  if (loaded !== null) return loaded;
  try {
    const require = createRequire(import.meta.url);
    loaded = loadAbiBuild(require) ?? (require('cap') as CapModule);
    return loaded;
  } catch (e) {
    const msg = (e as Error).message;
    if (/libpcap|cannot open shared object/i.test(msg)) {
      throw new SourceOpenError('libpcap is missing: install it (Debian/Ubuntu: sudo apt-get install libpcap0.8; Fedora: sudo dnf install libpcap) and run npm rebuild cap');
    }
    throw new SourceOpenError(`cannot load the packet capture binding 'cap' (${msg.split('\n')[0]}); reinstall with: sudo apt-get install libpcap-dev && npm rebuild cap`);
  }
}
