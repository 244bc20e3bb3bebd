/**
 * Every line of fixtures/auth/shapes/*.txt against its verdict: which lines count (in the
 * normal or only the aggressive mode), for which source and user, and which count nothing —
 * including hostile lines whose client-chosen text imitates the daemon's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INNOCENT, judgeShapes, loadShapes, shapeFiles } from '../../support/auth-shapes.js';

const files = shapeFiles();

test('the shape fixtures cover sshd, journald, vsftpd, proftpd and pure-ftpd', () => {
  assert.deepEqual(files, ['journald.txt', 'proftpd.txt', 'pure-ftpd.txt', 'sshd.txt', 'vsftpd.txt']);
});

for (const file of files) {
  test(`${file}: every line meets its verdict`, () => {
    const results = judgeShapes(loadShapes(file));
    assert.ok(results.length >= 5, `${file} has lines`);
    const problems = results.filter((r) => r.problem !== '').map((r) => `${file}:${r.line.lineNo}: ${r.problem}\n    ${r.line.text}`);
    assert.deepEqual(problems, []);
    for (const r of results) assert.ok(!r.aggressive.some((e) => e.source === INNOCENT), `${file}:${r.line.lineNo} names ${INNOCENT}`);
  });
}

test('the fixtures hold each kind of verdict: normal counts, aggressive-only counts, and none', () => {
  const all = files.flatMap((f) => loadShapes(f));
  const normal = all.filter((l) => l.verdict.kind === 'count' && !l.verdict.aggressive).length;
  const aggressive = all.filter((l) => l.verdict.kind === 'count' && l.verdict.aggressive).length;
  const none = all.filter((l) => l.verdict.kind === 'none').length;
  assert.ok(normal >= 80, `${normal} normal`);
  assert.ok(aggressive >= 20, `${aggressive} aggressive`);
  assert.ok(none >= 30, `${none} none`);
});
