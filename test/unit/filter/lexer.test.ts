import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FilterError } from '../../../src/filter/filter-error.js';
import { tokenize } from '../../../src/filter/lexer.js';

const kinds = (text: string) => tokenize(text).map((t) => `${t.kind}:${t.value}@${t.pos}`);

describe('filter lexer', () => {
  test('words, operators and positions', () => {
    assert.deepEqual(kinds('port 22 and tcp'), ['word:port@0', 'word:22@5', 'and:and@8', 'word:tcp@12', 'end:@15']);
  });

  test('symbol operators split words without spaces', () => {
    assert.deepEqual(kinds('port 22&&tcp||!udp'), [
      'word:port@0',
      'word:22@5',
      'and:&&@7',
      'word:tcp@9',
      'or:||@12',
      'not:!@14',
      'word:udp@15',
      'end:@18',
    ]);
  });

  test('operator words are case-insensitive', () => {
    assert.deepEqual(
      tokenize('AND Or nOt').map((t) => t.kind),
      ['and', 'or', 'not', 'end'],
    );
  });

  test('parentheses split words', () => {
    assert.deepEqual(kinds('(tcp)'), ['lparen:(@0', 'word:tcp@1', 'rparen:)@4', 'end:@5']);
  });

  test('quoted strings with escapes, either quote', () => {
    const [a, b] = tokenize(`"Google \\"Chrome\\"" 'it\\'s'`);
    assert.equal(a?.kind, 'string');
    assert.equal(a?.value, 'Google "Chrome"');
    assert.equal(b?.value, "it's");
    assert.equal(b?.pos, 20);
  });

  test('a backslash before anything else is kept', () => {
    assert.equal(tokenize('"C:\\bin\\\\x"')[0]?.value, 'C:\\bin\\x');
  });

  test('a single & or ! inside a word is part of it', () => {
    assert.deepEqual(kinds('a&b x!y'), ['word:a&b@0', 'word:x!y@4', 'end:@7']);
  });

  test('quoted operator words stay strings', () => {
    assert.equal(tokenize('"and"')[0]?.kind, 'string');
  });

  test('Object.prototype names are plain words', () => {
    assert.equal(tokenize('constructor')[0]?.kind, 'word');
    assert.equal(tokenize('__proto__')[0]?.kind, 'word');
  });

  test('a non-ASCII letter that lower-cases to ASCII does not make a keyword', () => {
    // U+212A KELVIN SIGN lower-cases to 'k'; nobody typing it meant `not`/`and`.
    assert.equal(tokenize('\u212Aor')[0]?.kind, 'word');
  });

  test('unterminated quote and lone & | are errors at their position', () => {
    assert.throws(() => tokenize('process "abc'), (e) => e instanceof FilterError && e.position === 8 && e.message === 'missing closing quote');
    assert.throws(() => tokenize('tcp & udp'), (e) => e instanceof FilterError && e.position === 4 && /use '&&' or 'and'/.test(e.message));
    assert.throws(() => tokenize('tcp | udp'), (e) => e instanceof FilterError && e.position === 4 && /use '\|\|' or 'or'/.test(e.message));
  });
});
