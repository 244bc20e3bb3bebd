import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { closest, editDistance } from '../../../src/filter/suggest.js';
import { SUGGESTIONS } from '../../../src/filter/terms.js';

describe('did-you-mean', () => {
  test('edit distance counts an adjacent swap as one edit', () => {
    assert.equal(editDistance('prot', 'port'), 1);
    assert.equal(editDistance('prcess', 'process'), 1);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('same', 'same'), 0);
  });

  const cases: [string, string | null][] = [
    ['prcess', 'process'],
    ['PROCES', 'process'],
    ['prot', 'port'],
    ['prto', 'proto'],
    ['contry', 'country'],
    ['staus', 'status'],
    ['alret', 'alert'],
    ['tpc', 'tcp'],
    ['ipp', 'ip'],
    ['adn', 'and'],
    ['proc', 'process'],
    ['coun', 'country'],
    ['xyz', null],
    ['chrome', null],
    ['a', null],
    ['', null],
  ];
  for (const [word, expected] of cases) {
    test(`${JSON.stringify(word)} → ${expected}`, () => assert.equal(closest(word, SUGGESTIONS), expected));
  }

  test('very long words get no suggestion and cost nothing', () => {
    assert.equal(closest('p'.repeat(500), SUGGESTIONS), null);
  });
});
