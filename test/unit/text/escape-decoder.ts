// Inverse of the sanitizer's escaping, used to prove the output is unambiguous (injective): every
// backslash must start exactly one well-formed escape, or this throws.

const NAMED: Record<string, number> = { '\\': 0x5c, '0': 0, a: 7, b: 8, t: 9, n: 10, r: 13, e: 0x1b };

/** Decode to code points; raw bytes (\x80..\xff, only from sanitizeBytes) come back as -byte-1. */
export function decodeEscapes(text: string): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i) ?? 0;
    if (cp !== 0x5c) {
      out.push(cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const kind = text[i + 1];
    if (kind === undefined) throw new Error(`dangling backslash at ${i}`);
    const named = NAMED[kind];
    if (named !== undefined) {
      out.push(named);
      i += 2;
    } else if (kind === 'x') {
      const hex = text.slice(i + 2, i + 4);
      if (!/^[0-9a-f]{2}$/.test(hex)) throw new Error(`bad \\x at ${i}`);
      const v = parseInt(hex, 16);
      out.push(v < 0x80 ? v : -v - 1);
      i += 4;
    } else if (kind === 'u') {
      const m = /^\{([0-9a-f]{1,6})\}/.exec(text.slice(i + 2, i + 12));
      if (!m || m[1] === undefined) throw new Error(`bad \\u at ${i}`);
      const v = parseInt(m[1], 16);
      if (v < 0x80 || v > 0x10ffff) throw new Error(`\\u out of range at ${i}`);
      out.push(v);
      i += 2 + m[0].length;
    } else {
      throw new Error(`unknown escape \\${kind} at ${i}`);
    }
  }
  return out;
}

/** Decode sanitizer output back to the exact string (throws on raw-byte escapes). */
export function decodeToString(text: string): string {
  let s = '';
  for (const cp of decodeEscapes(text)) {
    if (cp < 0) throw new Error('raw byte in string output');
    s += cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
  }
  return s;
}

/** Decode sanitizeBytes output back to the exact bytes. */
export function decodeToBytes(text: string): Buffer {
  const parts: Buffer[] = [];
  for (const cp of decodeEscapes(text)) {
    if (cp < 0) parts.push(Buffer.from([-cp - 1]));
    else parts.push(Buffer.from(String.fromCodePoint(cp), 'utf8'));
  }
  return Buffer.concat(parts);
}
