import { readRegularFile } from '../../../config/read-regular-file.js';

/** The largest blocklist file read: ~20 million lines of addresses. */
export const MAX_BLOCKLIST_BYTES = 512 * 1024 * 1024;
import { basename } from 'node:path';
import { parseAddress } from '../../../net/address.js';
import { AddressBlocklist, BlocklistBuilder } from './address-blocklist.js';

export interface BlocklistLoadResult {
  set: AddressBlocklist;
  /** Lines that held an address, CIDR or range. */
  entries: number;
  /** Lines that held something else (counted, not fatal). */
  skipped: number;
  /** Up to five bad lines, for one clear message (not sanitized: pass through the display sanitizer). */
  skippedSamples: { line: number; text: string }[];
  /** Parse and build time, milliseconds. */
  ms: number;
}

const MAX_SAMPLES = 5;

/**
 * Parses a plain-text blocklist: one entry a line (IPv4 or IPv6 address, CIDR, or IPv4 range
 * `a.b.c.d-e.f.g.h`), anything after the entry separated by whitespace, `#`, `;` or `,` is a
 * comment (`1.2.3.4 # x`, `1.2.3.0/24 ; SBL1`, `1.2.3.4;x`, `1.2.3.4,x`); lines starting with `#`
 * or `;` and blank lines are ignored. IPv4 is parsed straight from the bytes, without a string
 * per line; host bits of a CIDR are masked off.
 *
 * That covers plain lists, FireHOL `.netset` (`#` headers, CIDRs), Spamhaus DROP text
 * (`a.b.c.d/n ; SBLnnn`) and CSV exports (the first column, quoted or not: `"1.2.3.4",…`; a header
 * row is one skipped line). Spamhaus' JSON-lines DROP (`drop_v4.json`: `{"cidr":"1.10.16.0/20",
 * "sblid":…}`) is read too: a line starting with `{` holds its entry in the `cidr` member, and one
 * without it (the closing `{"type":"metadata",…}` record) is a comment.
 */
export function parseBlocklist(data: Buffer | string, name: string): BlocklistLoadResult {
  const t0 = performance.now();
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const b = new BlocklistBuilder();
  const n = buf.length;
  let entries = 0;
  let skipped = 0;
  const samples: { line: number; text: string }[] = [];
  let lineNo = 0;
  let i = 0;
  // A UTF-8 byte order mark at the start.
  if (n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3;
  while (i < n) {
    let end = buf.indexOf(10, i);
    if (end < 0) end = n;
    lineNo++;
    let p = i;
    while (p < end && isSpace(buf[p]!)) p++;
    let first = p < end ? buf[p]! : 35;
    if (first === 123) {
      // JSON object line: its "cidr" member, or nothing (a metadata record)
      p = jsonCidrStart(buf, p, end);
      first = p < 0 ? 35 : buf[p]!;
      if (p < 0) p = end;
    } else if (first === 34 || first === 39) {
      p++; // a quoted CSV field: the closing quote ends the token
    }
    if (first !== 35 && first !== 59) {
      let q = p;
      while (q < end && !isTokenEnd(buf[q]!)) q++;
      if (parseV4Entry(buf, p, q, b) || parseV6Entry(buf, p, q, b)) entries++;
      else {
        skipped++;
        if (samples.length < MAX_SAMPLES) {
          let e = end;
          while (e > p && isSpace(buf[e - 1]!)) e--;
          samples.push({ line: lineNo, text: buf.toString('utf8', p, Math.min(e, p + 200)) });
        }
      }
    }
    i = end + 1;
  }
  const set = b.build(name);
  return { set, entries, skipped, skippedSamples: samples, ms: performance.now() - t0 };
}

/** Reads and parses a blocklist file; the set is named after the file. Throws only if the file cannot be read. */
export async function loadBlocklist(path: string): Promise<BlocklistLoadResult> {
  // Regular files only, bounded: a FIFO would block and /dev/zero never ends.
  const data = readRegularFile(path, MAX_BLOCKLIST_BYTES, 'blocklist');
  const t0 = performance.now();
  const result = parseBlocklist(data, basename(path));
  // Count the parse only; reading is I/O, reported by the caller if it wants.
  result.ms = performance.now() - t0;
  return result;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

function isTokenEnd(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 35 || c === 59 || c === 44 || c === 34 || c === 39;
}

const CIDR_KEY = Buffer.from('"cidr"');

/** In a JSON object line [p, end): where the string value of its "cidr" member starts, or -1. */
function jsonCidrStart(buf: Buffer, p: number, end: number): number {
  const k = buf.indexOf(CIDR_KEY, p);
  if (k < 0 || k >= end) return -1;
  let i = k + CIDR_KEY.length;
  while (i < end && (isSpace(buf[i]!) || buf[i] === 58)) i++; // spaces and the ':'
  return i < end && buf[i] === 34 ? i + 1 : -1;
}

/** Dotted quad at [p, q) into `out[0]`, returning the index after it, or -1. */
function quad(buf: Buffer, p: number, q: number, out: number[]): number {
  let v = 0;
  for (let k = 0; k < 4; k++) {
    if (k > 0) {
      if (p >= q || buf[p] !== 46) return -1;
      p++;
    }
    let octet = 0;
    let digits = 0;
    while (p < q && digits < 4) {
      const c = buf[p]! - 48;
      if (c < 0 || c > 9) break;
      octet = octet * 10 + c;
      digits++;
      p++;
    }
    if (digits === 0 || digits > 3 || octet > 255) return -1;
    v = v * 256 + octet;
  }
  out[0] = v;
  return p;
}

const scratch = [0];

function parseV4Entry(buf: Buffer, p: number, q: number, b: BlocklistBuilder): boolean {
  let at = quad(buf, p, q, scratch);
  if (at < 0) return false;
  const addr = scratch[0]!;
  if (at === q) {
    b.addV4Range(addr, addr);
    return true;
  }
  if (buf[at] === 47) {
    // "/prefix"
    at++;
    let prefix = 0;
    let digits = 0;
    while (at < q && digits < 3) {
      const c = buf[at]! - 48;
      if (c < 0 || c > 9) return false;
      prefix = prefix * 10 + c;
      digits++;
      at++;
    }
    if (at !== q || digits === 0 || prefix > 32) return false;
    b.addV4Cidr(addr, prefix);
    return true;
  }
  if (buf[at] === 45) {
    // "a.b.c.d-e.f.g.h"
    const endAt = quad(buf, at + 1, q, scratch);
    if (endAt !== q || scratch[0]! < addr) return false;
    b.addV4Range(addr, scratch[0]!);
    return true;
  }
  return false;
}

const v6Groups = new Uint16Array(8);
const v6Words = [0, 0, 0, 0];

/**
 * The common IPv6 entry (hex groups, at most one `::`, an optional /prefix) read straight from
 * the bytes: no string, no regex, no array per entry. Anything else (an embedded dotted quad, a
 * zone) returns -1 and goes the general way. Returns the prefix, or -2 for a bad entry.
 */
function fastV6(buf: Buffer, p: number, q: number): number {
  let n = 0;
  let gap = -1;
  let at = p;
  if (buf[at] === 58 && buf[at + 1] === 58) {
    gap = 0;
    at += 2;
  }
  while (at < q && buf[at] !== 47) {
    let v = 0;
    let digits = 0;
    for (;;) {
      const c = buf[at]!;
      const h = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (h < 0) break;
      v = (v << 4) | h;
      digits++;
      at++;
      if (at >= q) break;
    }
    if (digits === 0 || digits > 4 || n === 8) return at < q && buf[at] === 46 ? -1 : -2;
    if (at < q && buf[at] === 46) return -1;
    v6Groups[n++] = v;
    if (at >= q || buf[at] === 47) break;
    if (buf[at] !== 58) return buf[at] === 37 ? -1 : -2;
    at++;
    if (buf[at] === 58) {
      if (gap >= 0) return -2;
      gap = n;
      at++;
    } else if (at >= q || buf[at] === 47) return -2;
  }
  if (gap < 0 ? n !== 8 : n > 7) return -2;
  if (gap >= 0) {
    const fill = 8 - n;
    for (let k = n - 1; k >= gap; k--) v6Groups[k + fill] = v6Groups[k]!;
    for (let k = gap; k < gap + fill; k++) v6Groups[k] = 0;
  }
  let prefix = 128;
  if (at < q) {
    at++;
    prefix = 0;
    let digits = 0;
    while (at < q) {
      const c = buf[at]! - 48;
      if (c < 0 || c > 9 || digits === 3) return -2;
      prefix = prefix * 10 + c;
      digits++;
      at++;
    }
    if (digits === 0 || prefix > 128) return -2;
  }
  for (let k = 0; k < 4; k++) v6Words[k] = ((v6Groups[2 * k]! << 16) | v6Groups[2 * k + 1]!) >>> 0;
  return prefix;
}

function parseV6Entry(buf: Buffer, p: number, q: number, b: BlocklistBuilder): boolean {
  const colon = buf.indexOf(58, p);
  if (q - p > 49 || colon < 0 || colon >= q) return false;
  const fast = fastV6(buf, p, q);
  if (fast >= 0) {
    b.addV6Cidr(v6Words, fast);
    return true;
  }
  if (fast === -2) return false;
  const text = buf.toString('latin1', p, q);
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  if (addrText.includes('%')) return false;
  const words = parseAddress(addrText);
  if (words === null) return false;
  let prefix = 128;
  if (slash >= 0) {
    const pt = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(pt) || Number(pt) > 128) return false;
    prefix = Number(pt);
  }
  b.addV6Cidr(words, prefix);
  return true;
}
