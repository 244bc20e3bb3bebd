/**
 * Formatting of the four-word addresses the decoders produce. Only called off the hot path
 * (alerts, snapshots), since it allocates strings.
 */

/** True when the words hold an IPv4-mapped address (::ffff:a.b.c.d). */
export function isMappedV4(w0: number, w1: number, w2: number): boolean {
  return w0 === 0 && w1 === 0 && w2 === 0xffff;
}

export function formatV4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Canonical text form: dotted quad for IPv4-mapped, RFC 5952 compressed IPv6 otherwise. */
export function formatAddress(w0: number, w1: number, w2: number, w3: number): string {
  if (isMappedV4(w0, w1, w2)) return formatV4(w3);
  const groups = [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff];
  // Longest run of zero groups (length ≥ 2) becomes "::".
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLen).join(':');
  return `${head}::${tail}`;
}

/** Parses an IPv4 or IPv6 address into four words (IPv4-mapped for v4), or null. */
export function parseAddress(text: string): [number, number, number, number] | null {
  const v4 = parseV4(text);
  if (v4 !== null) return [0, 0, 0xffff, v4];
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (s.length === 0 || s.length > 45) return null;
  // Embedded dotted quad in the last 32 bits (::ffff:1.2.3.4) becomes two hex groups.
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    const quad = parseV4(s.slice(lastColon + 1));
    if (quad === null) return null;
    s = `${s.slice(0, lastColon + 1)}${(quad >>> 16).toString(16)}:${(quad & 0xffff).toString(16)}`;
  }
  const parts = s.split('::');
  if (parts.length > 2) return null;
  const parse = (p: string): number[] | null => {
    if (p === '') return [];
    const out: number[] = [];
    for (const g of p.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(parts[0]!);
  const tail = parts.length === 2 ? parse(parts[1]!) : [];
  if (head === null || tail === null) return null;
  const fixed = [...head, ...tail];
  let groups: number[];
  if (parts.length === 2) {
    if (fixed.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - fixed.length).fill(0), ...tail];
  } else {
    if (fixed.length !== 8) return null;
    groups = fixed;
  }
  const w = (i: number) => (((groups[i]! << 16) | groups[i + 1]!) >>> 0);
  return [w(0), w(2), w(4), w(6)];
}

function parseV4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return null;
    v = v * 256 + octet;
  }
  return v >>> 0;
}
