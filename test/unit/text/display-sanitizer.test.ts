import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import stringWidth from 'string-width';
import {
  DEFAULT_MAX_WIDTH,
  ELLIPSIS,
  escapeCodePoint,
  sanitizeBytes,
  sanitizeForDisplay,
  truncateToWidth,
} from '../../../src/text/display-sanitizer.js';
import { decodeToBytes, decodeToString } from './escape-decoder.js';

const BIG = { maxWidth: 10_000 };

function expectAll(cases: [string, string][]): void {
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input)} → ${expected}`, () => {
      assert.equal(sanitizeForDisplay(input, BIG), expected);
    });
  }
}

describe('sanitizeForDisplay: C0 controls and DEL', () => {
  expectAll([
    ['\x00', '\\0'],
    ['\x07', '\\a'],
    ['\x08', '\\b'],
    ['\x09', '\\t'],
    ['\x0a', '\\n'],
    ['\x0d', '\\r'],
    ['\x1b', '\\e'],
    ['\x01', '\\x01'],
    ['\x0b', '\\x0b'],
    ['\x0c', '\\x0c'],
    ['\x1a', '\\x1a'],
    ['\x1f', '\\x1f'],
    ['\x7f', '\\x7f'],
    ['a\r\nb', 'a\\r\\nb'],
  ]);
  test('every C0 code point is escaped as \\xHH unless it has a short name', () => {
    const named = new Set([0x00, 0x07, 0x08, 0x09, 0x0a, 0x0d, 0x1b]);
    for (let cp = 0; cp < 0x20; cp++) {
      const out = sanitizeForDisplay(String.fromCharCode(cp));
      if (!named.has(cp)) assert.equal(out, `\\x${cp.toString(16).padStart(2, '0')}`);
      assert.equal(out.length, named.has(cp) ? 2 : 4);
    }
  });
});

describe('sanitizeForDisplay: C1 controls use \\u{…}', () => {
  expectAll([
    ['\u0080', '\\u{80}'],
    ['\u0085', '\\u{85}'],
    ['\u008d', '\\u{8d}'],
    ['\u0090', '\\u{90}'],
    ['\u009b', '\\u{9b}'],
    ['\u009c', '\\u{9c}'],
    ['\u009d', '\\u{9d}'],
    ['\u009f', '\\u{9f}'],
  ]);
  test('the whole C1 range', () => {
    for (let cp = 0x80; cp <= 0x9f; cp++) {
      assert.equal(sanitizeForDisplay(String.fromCharCode(cp)), `\\u{${cp.toString(16)}}`);
    }
  });
  test('Latin-1 letters after C1 are kept', () => {
    assert.equal(sanitizeForDisplay('\u00a0café ÿ'), '\u00a0café ÿ');
  });
});

describe('sanitizeForDisplay: bidi controls (Trojan Source)', () => {
  const bidi = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c];
  for (const cp of bidi) {
    test(`U+${cp.toString(16)}`, () => {
      assert.equal(sanitizeForDisplay(`x${String.fromCodePoint(cp)}y`), `x\\u{${cp.toString(16)}}y`);
    });
  }
  test('RLO file-name trick', () => {
    assert.equal(sanitizeForDisplay('invoice\u202Efdp.exe'), 'invoice\\u{202e}fdp.exe');
  });
  test('Trojan Source comment', () => {
    assert.equal(
      sanitizeForDisplay('/*\u202E } \u2066if (isAdmin)\u2069 \u2066 begin admins only */'),
      '/*\\u{202e} } \\u{2066}if (isAdmin)\\u{2069} \\u{2066} begin admins only */',
    );
  });
});

describe('sanitizeForDisplay: surrogates', () => {
  expectAll([
    ['\ud800', '\\u{d800}'],
    ['\udbff', '\\u{dbff}'],
    ['\udc00', '\\u{dc00}'],
    ['\udfff', '\\u{dfff}'],
    ['a\ud83d', 'a\\u{d83d}'],
    ['\ude00b', '\\u{de00}b'],
    ['\udc00\ud800', '\\u{dc00}\\u{d800}'],
    ['\ud83d\ud83d\ude00', '\\u{d83d}😀'],
    ['😀', '😀'],
    ['a😀b𝔸', 'a😀b𝔸'],
  ]);
});

describe('sanitizeForDisplay: invisible and format characters', () => {
  expectAll([
    ['a\u200bb', 'a\\u{200b}b'],
    ['a\u200cb', 'a\\u{200c}b'],
    ['a\u200db', 'a\\u{200d}b'],
    ['a\u2060b', 'a\\u{2060}b'],
    ['\ufeffroot', '\\u{feff}root'],
    ['a\u2028b', 'a\\u{2028}b'],
    ['a\u2029b', 'a\\u{2029}b'],
    ['\ufff9a\ufffab\ufffb', '\\u{fff9}a\\u{fffa}b\\u{fffb}'],
    ['ad\u00admin', 'ad\\u{ad}min'],
    ['\u3164', '\\u{3164}'],
    ['\u115f\u1160', '\\u{115f}\\u{1160}'],
    ['\uffa0', '\\u{ffa0}'],
    ['e\u034f', 'e\\u{34f}'],
    // The tag block, including the unassigned E0000 and the cancel tag E007F.
    ['\u{e0000}', '\\u{e0000}'],
    ['\u{e0001}', '\\u{e0001}'],
    ['ok\u{e0041}\u{e0042}', 'ok\\u{e0041}\\u{e0042}'],
    ['\u{e007f}', '\\u{e007f}'],
    // Emoji ZWJ sequences are broken up visibly: the joiner is a zero-width character.
    ['👨\u200d👩', '👨\\u{200d}👩'],
  ]);
  test('the whole tag block is escaped', () => {
    for (let cp = 0xe0000; cp <= 0xe007f; cp++) {
      assert.equal(sanitizeForDisplay(String.fromCodePoint(cp)), `\\u{${cp.toString(16)}}`);
    }
  });
  test('variation selectors, combining marks and CJK are kept', () => {
    for (const s of ['❤️', '︎☺︎', '葛\u{e0100}', 'e\u0301', 'ñ', '日本語', '한국어', '🇫🇷']) {
      assert.equal(sanitizeForDisplay(s), s);
    }
  });
});

describe('sanitizeForDisplay: backslash makes the output unambiguous', () => {
  expectAll([
    ['\\', '\\\\'],
    ['C:\\Windows', 'C:\\\\Windows'],
    ['a\\eb', 'a\\\\eb'],
    ['\\x1b', '\\\\x1b'],
    ['\\u{202e}', '\\\\u{202e}'],
  ]);
  test('a forged escape never equals a real one', () => {
    assert.notEqual(sanitizeForDisplay('a\\eb'), sanitizeForDisplay('a\x1bb'));
    assert.notEqual(sanitizeForDisplay('\\r'), sanitizeForDisplay('\r'));
    assert.notEqual(sanitizeForDisplay('\\u{9b}'), sanitizeForDisplay('\u009b'));
    assert.notEqual(sanitizeForDisplay('\\\x1b'), sanitizeForDisplay('\\\\e'));
  });
});

describe('sanitizeForDisplay: terminal attacks', () => {
  const attacks: [string, string, string][] = [
    ['OSC 52 clipboard write', '\x1b]52;c;ZWNobyBwd25lZA==\x07', '\\e]52;c;ZWNobyBwd25lZA==\\a'],
    ['OSC 8 hyperlink', '\x1b]8;;http://x\x1b\\click\x1b]8;;\x1b\\', '\\e]8;;http://x\\e\\\\click\\e]8;;\\e\\\\'],
    ['CSI clear screen', '\x1b[2J\x1b[H', '\\e[2J\\e[H'],
    ['CSI colour', 'a\x1b[31mb', 'a\\e[31mb'],
    ['8-bit CSI', '\u009b2J', '\\u{9b}2J'],
    ['8-bit OSC + ST', '\u009d0;title\u009c', '\\u{9d}0;title\\u{9c}'],
    ['CR overwrite', 'good\rEVIL', 'good\\rEVIL'],
    ['backspace overwrite', 'admin\b\b\b\b\bguest', 'admin\\b\\b\\b\\b\\bguest'],
    ['DCS', '\x1bP+q544e\x1b\\', '\\eP+q544e\\e\\\\'],
    ['title report', '\x1b]2;;rm -rf ~\x07\x1b[21t', '\\e]2;;rm -rf ~\\a\\e[21t'],
    ['log line forgery', 'GET / HTTP/1.1\nAccepted password for root', 'GET / HTTP/1.1\\nAccepted password for root'],
  ];
  for (const [name, input, expected] of attacks) {
    test(name, () => {
      const out = sanitizeForDisplay(input);
      assert.equal(out, expected);
      assert.ok(!/[\x00-\x1f\x7f-\x9f]/.test(out));
    });
  }
  test('a control character never sanitizes to the plain text around it', () => {
    assert.notEqual(sanitizeForDisplay('a\x1b[31mb'), sanitizeForDisplay('a[31mb'));
    assert.notEqual(sanitizeForDisplay('good\rEVIL'), sanitizeForDisplay('goodEVIL'));
    assert.notEqual(sanitizeForDisplay('ab\u202ec'), sanitizeForDisplay('abc'));
    assert.notEqual(sanitizeForDisplay('ab\u200bc'), sanitizeForDisplay('abc'));
  });
});

describe('sanitizeForDisplay: width', () => {
  test('plain ASCII within the width is returned as is', () => {
    const s = '203.0.113.7:443 nginx';
    assert.equal(sanitizeForDisplay(s), s);
  });
  test('default cap is 200 columns', () => {
    const out = sanitizeForDisplay('x'.repeat(1000));
    assert.equal(DEFAULT_MAX_WIDTH, 200);
    assert.equal(out, 'x'.repeat(199) + ELLIPSIS);
    assert.equal(stringWidth(out), 200);
  });
  test('exactly maxWidth is not cut', () => {
    assert.equal(sanitizeForDisplay('abcde', { maxWidth: 5 }), 'abcde');
    assert.equal(sanitizeForDisplay('abcdef', { maxWidth: 5 }), 'abcd…');
  });
  test('wide characters count two columns', () => {
    assert.equal(sanitizeForDisplay('日本語テキスト', { maxWidth: 6 }), '日本…');
    assert.equal(sanitizeForDisplay('日本語テキスト', { maxWidth: 5 }), '日本…');
    assert.equal(sanitizeForDisplay('日本語', { maxWidth: 6 }), '日本語');
    assert.equal(sanitizeForDisplay('a日本語', { maxWidth: 4 }), 'a日…');
    assert.equal(sanitizeForDisplay('a日本語', { maxWidth: 3 }), 'a…');
  });
  test('never cuts an escape in half', () => {
    assert.equal(sanitizeForDisplay('ab\x1bcd', { maxWidth: 4 }), 'ab…');
    assert.equal(sanitizeForDisplay('ab\x1bcd', { maxWidth: 5 }), 'ab\\e…');
    // 'a\\u{202e}b' is 10 columns.
    assert.equal(sanitizeForDisplay('a\u202eb', { maxWidth: 9 }), 'a…');
    assert.equal(sanitizeForDisplay('a\u202eb', { maxWidth: 10 }), 'a\\u{202e}b');
    assert.equal(sanitizeForDisplay('a\u202ebc', { maxWidth: 10 }), 'a\\u{202e}…');
    assert.equal(sanitizeForDisplay('a\x01bc', { maxWidth: 5 }), 'a…');
    assert.equal(sanitizeForDisplay('é\x01bcdef', { maxWidth: 5 }), 'é…');
  });
  test('never cuts a surrogate pair or a grapheme', () => {
    assert.equal(sanitizeForDisplay('a😀😀😀', { maxWidth: 4 }), 'a😀…');
    assert.equal(sanitizeForDisplay('a😀😀😀', { maxWidth: 3 }), 'a…');
    assert.equal(sanitizeForDisplay('🇫🇷🇩🇪🇮🇹', { maxWidth: 4 }), '🇫🇷…');
    assert.equal(sanitizeForDisplay('e\u0301e\u0301e\u0301', { maxWidth: 3 }), 'e\u0301e\u0301e\u0301');
    assert.equal(sanitizeForDisplay('e\u0301e\u0301e\u0301x', { maxWidth: 3 }), 'e\u0301e\u0301…');
  });
  test('tiny and odd widths', () => {
    assert.equal(sanitizeForDisplay('ab', { maxWidth: 1 }), ELLIPSIS);
    assert.equal(sanitizeForDisplay('a', { maxWidth: 1 }), 'a');
    assert.equal(sanitizeForDisplay('\x1b', { maxWidth: 1 }), ELLIPSIS);
    assert.equal(sanitizeForDisplay('日', { maxWidth: 1 }), ELLIPSIS);
    assert.equal(sanitizeForDisplay('abc', { maxWidth: 0 }), '');
    assert.equal(sanitizeForDisplay('abc', { maxWidth: -3 }), '');
    assert.equal(sanitizeForDisplay('abcdef', { maxWidth: 4.9 }), 'abc…');
    assert.equal(sanitizeForDisplay('abc', { maxWidth: Number.NaN }), 'abc');
    assert.equal(stringWidth(sanitizeForDisplay('y'.repeat(50_000), { maxWidth: Infinity })), 10_000);
    assert.equal(sanitizeForDisplay(''), '');
  });
  test('work is bounded: huge input is cut first and marked', () => {
    const zalgo = 'a' + '\u0301'.repeat(1_000_000);
    const out = sanitizeForDisplay(zalgo, { maxWidth: 10 });
    assert.ok(out.endsWith(ELLIPSIS));
    assert.ok(out.length <= 4 * 10 + 64 + 1);
    assert.ok(stringWidth(out) <= 10);
    const esc = sanitizeForDisplay('\x1b'.repeat(1_000_000), { maxWidth: 10 });
    assert.equal(esc, '\\e\\e\\e\\e…');
  });
  test('the work bound does not split a surrogate pair', () => {
    // maxWidth 10 → bound 4×10+64 = 104 code units; unit 103 is the high half of 😀. The
    // combining marks take no columns, so a split half would show up as an escape.
    const s = 'a' + '\u0301'.repeat(102) + '😀'.repeat(10);
    assert.equal(sanitizeForDisplay(s, { maxWidth: 10 }), 'a' + '\u0301'.repeat(102) + ELLIPSIS);
    assert.equal(sanitizeForDisplay('x'.repeat(103) + '😀', { maxWidth: 10 }), 'xxxxxxxxx…');
    const wide = sanitizeForDisplay('😀'.repeat(400), { maxWidth: 100 });
    assert.equal(wide, '😀'.repeat(49) + ELLIPSIS);
  });
  test('input cut by the work bound ends with an ellipsis even when the rest fits', () => {
    // 200 zero-width marks after a letter: more than 4×10+64 units, one column wide.
    const out = sanitizeForDisplay('a' + '\u0301'.repeat(200), { maxWidth: 10 });
    assert.ok(out.endsWith(ELLIPSIS));
    assert.equal(stringWidth(out), 2);
  });
});

describe('escapeCodePoint', () => {
  test('one style per range', () => {
    assert.equal(escapeCodePoint(0x1b), '\\e');
    assert.equal(escapeCodePoint(0x5c), '\\\\');
    assert.equal(escapeCodePoint(0x7f), '\\x7f');
    assert.equal(escapeCodePoint(0x9b), '\\u{9b}');
    assert.equal(escapeCodePoint(0x10ffff), '\\u{10ffff}');
  });
});

describe('sanitizeBytes', () => {
  test('valid UTF-8', () => {
    assert.equal(sanitizeBytes(Buffer.from('héllo 日本 😀')), 'héllo 日本 😀');
    assert.equal(sanitizeBytes(Buffer.from('a\x1b[2Jb')), 'a\\e[2Jb');
    assert.equal(sanitizeBytes(Buffer.from('\u009b\u202e')), '\\u{9b}\\u{202e}');
  });
  test('the BOM is kept and escaped, not swallowed', () => {
    assert.equal(sanitizeBytes(Buffer.from([0xef, 0xbb, 0xbf, 0x61])), '\\u{feff}a');
  });
  test('ill-formed UTF-8 shows each bad byte as \\xHH', () => {
    const cases: [number[], string][] = [
      [[0x61, 0xff, 0x62], 'a\\xffb'],
      [[0xc3], '\\xc3'],
      [[0xc3, 0x28], '\\xc3('],
      [[0xc0, 0x80], '\\xc0\\x80'], // overlong NUL
      [[0xe0, 0x80, 0x80], '\\xe0\\x80\\x80'], // overlong
      [[0xed, 0xa0, 0x80], '\\xed\\xa0\\x80'], // encoded surrogate
      [[0xf4, 0x90, 0x80, 0x80], '\\xf4\\x90\\x80\\x80'], // above U+10FFFF
      [[0xf0, 0x9f, 0x98], '\\xf0\\x9f\\x98'], // truncated emoji
      [[0x9b, 0x32, 0x4a], '\\x9b2J'], // raw 8-bit CSI byte
      [[0xf0, 0x9f, 0x98, 0x80, 0x80], '😀\\x80'],
    ];
    for (const [bytes, expected] of cases) {
      assert.equal(sanitizeBytes(Buffer.from(bytes)), expected, bytes.map((b) => b.toString(16)).join(' '));
    }
  });
  test('latin1: one code point per byte', () => {
    assert.equal(sanitizeBytes(Buffer.from([0x61, 0x9b, 0xe9, 0x1b, 0x5c]), 0, 5, { encoding: 'latin1' }), 'a\\u{9b}é\\e\\\\');
  });
  test('start and end select a slice and are clamped, never thrown', () => {
    const buf = Buffer.from('0123456789');
    assert.equal(sanitizeBytes(buf, 2, 5), '234');
    assert.equal(sanitizeBytes(buf, -5, 3), '012');
    assert.equal(sanitizeBytes(buf, 8, 100), '89');
    assert.equal(sanitizeBytes(buf, 7, 2), '');
    assert.equal(sanitizeBytes(buf, Number.NaN, Number.NaN), '');
    assert.equal(sanitizeBytes(new Uint8Array([0x41, 0x42])), 'AB');
    const inner = buf.subarray(3, 6);
    assert.equal(sanitizeBytes(inner), '345');
  });
  test('width cap and work bound do not split a UTF-8 sequence', () => {
    assert.equal(sanitizeBytes(Buffer.from('日本語テキスト'), 0, undefined, { maxWidth: 5 }), '日本…');
    // Limit 4×10+64 = 104 bytes: 103 ASCII then a 3-byte character straddling the cut.
    const buf = Buffer.concat([Buffer.alloc(103, 0x78), Buffer.from('日')]);
    assert.equal(sanitizeBytes(buf, 0, buf.length, { maxWidth: 10 }), 'xxxxxxxxx…');
    const zeroWidth = Buffer.from('a' + '\u0301'.repeat(100));
    const out = sanitizeBytes(zeroWidth, 0, zeroWidth.length, { maxWidth: 10 });
    assert.ok(out.endsWith(ELLIPSIS) && !out.includes('\\x'), out);
  });
  test('decodes back to the exact bytes', () => {
    const bytes = Buffer.from([0x61, 0xff, 0x1b, 0x5c, 0xc3, 0xa9, 0xed, 0xa0, 0x80, 0xe2, 0x80, 0xae]);
    assert.deepEqual(decodeToBytes(sanitizeBytes(bytes)), bytes);
  });
});

describe('truncateToWidth (already-sanitized text)', () => {
  test('cuts at columns, not inside escapes', () => {
    assert.equal(truncateToWidth('ab\\ecd', 4), 'ab…');
    assert.equal(truncateToWidth('ab\\ecd', 5), 'ab\\e…');
    assert.equal(truncateToWidth('ab\\u{202e}cd', 11), 'ab\\u{202e}…');
    assert.equal(truncateToWidth('ab\\u{202e}cd', 10), 'ab…');
    assert.equal(truncateToWidth('a\\\\b', 3), 'a…');
    assert.equal(truncateToWidth('日本語テキスト', 7), '日本語…');
    assert.equal(truncateToWidth('short', 80), 'short');
  });
  test('agrees with sanitizing at the narrower width', () => {
    const raw = 'GET /\x1b[2J\u202e?q=日本\\x \ud800 😀'.repeat(3);
    const wide = sanitizeForDisplay(raw, BIG);
    assert.equal(decodeToString(wide), raw);
    for (let w = 0; w < 60; w++) {
      assert.equal(truncateToWidth(wide, w), sanitizeForDisplay(raw, { maxWidth: w }), `width ${w}`);
    }
  });
});
