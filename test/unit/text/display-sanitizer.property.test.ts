import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import stringWidth from 'string-width';
import {
  ELLIPSIS,
  sanitizeBytes,
  sanitizeForDisplay,
  SIMPLE_BMP,
  truncateToWidth,
} from '../../../src/text/display-sanitizer.js';
import { decodeToBytes, decodeToString } from './escape-decoder.js';

const RUNS = { numRuns: 3000 };
const BIG = { maxWidth: 10_000 };

/** Anything that must never reach the terminal raw. */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Default_Ignorable_Code_Point}]/u;
function isVariationSelector(cp: number): boolean {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
}
function assertClean(out: string): void {
  for (const ch of out) {
    const cp = ch.codePointAt(0) ?? 0;
    if (FORBIDDEN.test(ch) && !isVariationSelector(cp)) {
      assert.fail(`raw U+${cp.toString(16)} in ${JSON.stringify(out)}`);
    }
  }
}

const DANGEROUS = [
  '\x00', '\x07', '\x08', '\t', '\n', '\r', '\x1b', '\x7f', '\u0085', '\u009b', '\u009c', '\u009d',
  '\u202a', '\u202e', '\u2066', '\u2069', '\u200e', '\u200f', '\u061c', '\u200b', '\u200d', '\u2060',
  '\ufeff', '\u2028', '\u2029', '\ufff9', '\ufffb', '\u{e0001}', '\u{e0041}', '\u{e007f}', '\u00ad',
  '\u3164', '\ud800', '\udbff', '\udc00', '\udfff', '\ufe0f', '\u0301', '\u20e3', '\\', '\\e', '\\x1b',
  '\\u{9b}', '\x1b[2J', '\x1b]52;c;', '\x1b]8;;', '日', '😀', '🇫', '👨\u200d👩', '…', 'e', 'x', 'u', '{', '}',
];

/** Raw UTF-16 code units: lone surrogates included (fc's 'binary' unit excludes them). */
const utf16 = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 80 })
  .map((units) => String.fromCharCode(...units));
const mixed = fc
  .array(fc.oneof(fc.constantFrom(...DANGEROUS), fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 40 })
  .map((parts) => parts.join(''));
const anyString = fc.oneof(
  utf16,
  mixed,
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'binary-ascii', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);
const width = fc.oneof(fc.integer({ min: 0, max: 120 }), fc.constant(undefined));

describe('sanitizeForDisplay properties', () => {
  test('output never holds a control, bidi, invisible or lone-surrogate code point', () => {
    fc.assert(
      fc.property(anyString, width, (s, maxWidth) => {
        assertClean(sanitizeForDisplay(s, { maxWidth }));
      }),
      RUNS,
    );
  });

  test('output never exceeds maxWidth columns', () => {
    fc.assert(
      fc.property(anyString, width, (s, maxWidth) => {
        const out = sanitizeForDisplay(s, { maxWidth });
        assert.ok(stringWidth(out) <= (maxWidth ?? 200), `${JSON.stringify(out)} > ${maxWidth}`);
      }),
      RUNS,
    );
  });

  test('uncut output decodes back to the exact input (the escaping is injective)', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        assert.equal(decodeToString(sanitizeForDisplay(s, BIG)), s);
      }),
      RUNS,
    );
  });

  test('different inputs never give the same uncut output', () => {
    fc.assert(
      fc.property(anyString, anyString, (s, t) => {
        fc.pre(s !== t);
        assert.notEqual(sanitizeForDisplay(s, BIG), sanitizeForDisplay(t, BIG));
      }),
      RUNS,
    );
  });

  test('inserting a control character always changes the output', () => {
    const control = fc.oneof(
      fc.integer({ min: 0, max: 0x1f }),
      fc.constant(0x7f),
      fc.integer({ min: 0x80, max: 0x9f }),
      fc.constantFrom(0x202e, 0x2066, 0x200b, 0x200d, 0xfeff, 0xe0041, 0xd800, 0x5c),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 30 }), fc.nat(), control, (plain, at, cp) => {
        const i = at % (plain.length + 1);
        const ch = cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
        const withControl = plain.slice(0, i) + ch + plain.slice(i);
        assert.notEqual(sanitizeForDisplay(withControl), sanitizeForDisplay(plain));
      }),
      RUNS,
    );
  });

  test('a cut output is an uncut prefix plus the ellipsis: no escape or pair split', () => {
    fc.assert(
      fc.property(anyString, fc.integer({ min: 1, max: 60 }), (s, maxWidth) => {
        const out = sanitizeForDisplay(s, { maxWidth });
        const full = sanitizeForDisplay(s, BIG);
        if (out === full) return;
        assert.ok(out.endsWith(ELLIPSIS), out);
        const prefix = decodeToString(out.slice(0, -ELLIPSIS.length));
        assert.ok(s.startsWith(prefix), `${JSON.stringify(prefix)} not a prefix of ${JSON.stringify(s)}`);
      }),
      RUNS,
    );
  });

  test('truncateToWidth of the wide output equals sanitizing at the narrow width', () => {
    fc.assert(
      fc.property(anyString, fc.integer({ min: 0, max: 60 }), (s, maxWidth) => {
        fc.pre(s.length <= 4 * maxWidth + 64); // beyond that the work bound cuts first
        assert.equal(truncateToWidth(sanitizeForDisplay(s, BIG), maxWidth), sanitizeForDisplay(s, { maxWidth }));
      }),
      RUNS,
    );
  });

  test('safe printable ASCII is returned unchanged (the fast path)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 200 }), (s) => {
        const expected = s.replaceAll('\\', '\\\\');
        assert.equal(sanitizeForDisplay(s, { maxWidth: 400 }), expected);
      }),
      RUNS,
    );
  });
});

/** Well-formed UTF-8 fragments and random bytes, concatenated. */
const byteSoup = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 6 }).map((s) => Buffer.from(s, 'utf8')),
      fc.uint8Array({ maxLength: 6 }).map((a) => Buffer.from(a)),
      fc.constantFrom(...DANGEROUS).map((s) => Buffer.from(s, 'utf8')),
    ),
    { maxLength: 30 },
  )
  .map((parts) => Buffer.concat(parts));

describe('sanitizeBytes properties', () => {
  test('never throws; output is clean and within the width', () => {
    fc.assert(
      fc.property(
        byteSoup,
        fc.integer({ min: -5, max: 300 }),
        fc.integer({ min: -5, max: 300 }),
        width,
        fc.constantFrom<'utf8' | 'latin1'>('utf8', 'latin1'),
        (buf, start, end, maxWidth, encoding) => {
          const out = sanitizeBytes(buf, start, end, { maxWidth, encoding });
          assertClean(out);
          assert.ok(stringWidth(out) <= (maxWidth ?? 200));
        },
      ),
      RUNS,
    );
  });

  test('uncut output decodes back to the exact bytes', () => {
    fc.assert(
      fc.property(byteSoup, (buf) => {
        assert.deepEqual(decodeToBytes(sanitizeBytes(buf, 0, buf.length, BIG)), buf);
      }),
      RUNS,
    );
  });

  test('well-formed UTF-8 gives the same as sanitizing the string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.integer({ min: 1, max: 60 }), (s, maxWidth) => {
        const buf = Buffer.from(s, 'utf8');
        fc.pre(buf.length <= 4 * maxWidth + 64);
        assert.equal(sanitizeBytes(buf, 0, buf.length, { maxWidth }), sanitizeForDisplay(s, { maxWidth }));
      }),
      RUNS,
    );
  });

  test('a cut output is a byte prefix plus the ellipsis', () => {
    fc.assert(
      fc.property(byteSoup, fc.integer({ min: 1, max: 40 }), (buf, maxWidth) => {
        const out = sanitizeBytes(buf, 0, buf.length, { maxWidth });
        if (out === sanitizeBytes(buf, 0, buf.length, BIG)) return;
        assert.ok(out.endsWith(ELLIPSIS));
        const prefix = decodeToBytes(out.slice(0, -ELLIPSIS.length));
        assert.deepEqual(buf.subarray(0, prefix.length), prefix);
      }),
      RUNS,
    );
  });
});

describe('the segmenter-free path for simple scripts', () => {
  test('every code unit SIMPLE_BMP accepts is a grapheme of its own (checked against Intl.Segmenter)', () => {
    const segmenter = new Intl.Segmenter();
    let checked = 0;
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      if (!SIMPLE_BMP.test(ch)) continue;
      const n = [...segmenter.segment(`a${ch}${ch}a`)].length;
      if (n !== 4) assert.fail(`U+${c.toString(16)} joins a neighbour`);
      checked++;
    }
    assert.ok(checked > 40_000, `${checked}`);
  });

  const simpleChar = fc
    .integer({ min: 0x20, max: 0xffee })
    .map((c) => String.fromCharCode(c))
    .filter((ch) => SIMPLE_BMP.test(ch));
  test('widths and cuts agree with string-width, and the cut is as long as it can be', () => {
    fc.assert(
      fc.property(fc.array(simpleChar, { maxLength: 60 }), fc.integer({ min: 1, max: 80 }), (chars, maxWidth) => {
        const s = chars.join('');
        const out = sanitizeForDisplay(s, { maxWidth });
        const full = s.replaceAll('\\', '\\\\');
        if (stringWidth(full) <= maxWidth) {
          assert.equal(out, full);
          return;
        }
        assert.ok(out.endsWith(ELLIPSIS));
        assert.ok(stringWidth(out) <= maxWidth);
        const kept = out.slice(0, -1);
        assert.ok(full.startsWith(kept));
        // One more unit would not fit (unless it is the second half of an escaped backslash).
        const next = full.slice(0, kept.length + (full[kept.length] === '\\' ? 2 : 1));
        assert.ok(stringWidth(next) > maxWidth - 1, `${JSON.stringify(out)} could hold more`);
      }),
      RUNS,
    );
  });
});
