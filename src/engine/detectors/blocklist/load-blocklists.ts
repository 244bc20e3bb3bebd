import { ConfigError } from '../../../config/config-error.js';
import type { AddressBlocklist } from './address-blocklist.js';
import { loadBlocklist } from './load-blocklist.js';

/**
 * Loads every --blocklist file before capture starts. An unreadable file is a one-line error
 * (the user asked for it); bad lines inside a file are counted and reported as one warning.
 */
export async function loadBlocklists(paths: readonly string[], warn: (line: string) => void): Promise<AddressBlocklist[]> {
  const lists: AddressBlocklist[] = [];
  for (const path of paths) {
    let result;
    try {
      result = await loadBlocklist(path);
    } catch (e) {
      // readRegularFile's line already names the blocklist and why (missing, a FIFO, too large).
      throw new ConfigError((e as Error).message);
    }
    if (result.skipped > 0) {
      const first = result.skippedSamples[0];
      warn(`blocklist ${path}: ${result.skipped} unreadable line(s) skipped${first ? ` (first: line ${first.line})` : ''}`);
    }
    lists.push(result.set);
  }
  return lists;
}
