import { formatAddress, parseAddress } from '../../net/address.js';

/**
 * Finding the client address where a daemon writes it. Auth-log messages put client-chosen text
 * (user names, key comments, disconnect reasons) before and after the address, so a pattern that
 * takes the first or the last "from X" can be steered by the client. Instead every place where
 * an address could stand is tried, and the rest of the line must then have exactly the shape
 * the daemon writes after it: a candidate survives only if what follows is that daemon's fixed
 * text. More than one survivor means the client's text imitates the daemon's: the caller
 * decides (the connection's known peer, or no verdict at all).
 */

/** Characters of an address as daemons print it (IPv4, IPv6, ::ffff:a.b.c.d, a zone id). */
const ADDRESS = /(?=[0-9A-Fa-f]{0,4}[:.])[0-9A-Fa-f:.]{2,45}(?:%[\w.-]{1,16})?/y;
/** More candidate places than this on one line is hostile text: no verdict. */
export const MAX_CANDIDATES = 16;

export interface AddressCandidate {
  /** Canonical address (::ffff:a.b.c.d becomes a.b.c.d). */
  address: string;
  /** The text before the marker. */
  head: string;
  /** The tail pattern's match on the text after the address. */
  tail: RegExpExecArray;
}

/**
 * Every reading of `msg` as head + `marker` + address + tail where `tail` (anchored with ^…$)
 * matches the rest. 'hostile' when the marker occurs more than MAX_CANDIDATES times.
 */
export function addressCandidates(msg: string, marker: string, tail: RegExp): AddressCandidate[] | 'hostile' {
  const out: AddressCandidate[] = [];
  let seen = 0;
  for (let at = msg.indexOf(marker); at >= 0; at = msg.indexOf(marker, at + 1)) {
    if (++seen > MAX_CANDIDATES) return 'hostile';
    const start = at + marker.length;
    ADDRESS.lastIndex = start;
    const token = ADDRESS.exec(msg);
    if (token === null) continue;
    let text = token[0];
    let address = canonicalAddress(text);
    // "from 192.0.2.1: 3: …": the colon after an address is the daemon's, not the address's.
    if (address === null && text.endsWith(':')) address = canonicalAddress((text = text.slice(0, -1)));
    if (address === null) continue;
    const rest = tail.exec(msg.slice(start + text.length));
    if (rest === null) continue;
    out.push({ address, head: msg.slice(0, at), tail: rest });
  }
  return out;
}

/** The address in the form packet alerts use, so both kinds of alert meet on one key; null if not an address. */
export function canonicalAddress(text: string): string | null {
  const words = parseAddress(text);
  return words === null ? null : formatAddress(words[0], words[1], words[2], words[3]);
}
