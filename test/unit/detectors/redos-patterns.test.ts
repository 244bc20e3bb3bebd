/**
 * Config-file patterns that a nested-quantifier check alone lets through freeze a backtracking
 * engine (`/` + 28 `a`s runs past 40 s in V8). They run in RE2 (linear time); the built-ins
 * stay in V8 and are held to the linear-time rule here, so a run never loads RE2 to check them.
 * Figures: V8 (in a child process with a deadline) against RE2 for the same request.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { compileCommandPatterns, matchCommand } from '../../../src/engine/detectors/host/suspicious-commands.js';
import { BUILTIN_SIGNATURES, checkBuiltinSources, compileSignatures, firstMatch, PAYLOAD_ATTACK_TYPES } from '../../../src/engine/detectors/signatures/patterns.js';
import { builtinPatternProblem, hasQuantifiedAlternation } from '../../../src/engine/detectors/signatures/regex-safety.js';
import { BUILTIN_COMMAND_PATTERNS } from '../../../src/engine/detectors/host/suspicious-commands.js';

const EVIL = ['([a-z]|[a-z0-9])*x$', '(a|a)*b', '(a+)+$', '(\\w+\\s?)*$'];

function ms(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

describe('ReDoS: user patterns run in a linear-time engine', () => {
  test('before/after: the request that froze V8 for 40 s+ is matched by RE2 in milliseconds', () => {
    const request = `/${'a'.repeat(28)}`;
    // Before: V8's backtracking engine, in a child killed after 2 s.
    const before = spawnSync(process.execPath, ['-e', `const t=Date.now(); /([a-z]|[a-z0-9])*x$/i.test(${JSON.stringify(request)}); console.log(Date.now()-t)`], { timeout: 2000, encoding: 'utf8' });
    const v8 = before.signal === 'SIGTERM' ? '> 2000 (killed)' : `${before.stdout.trim()}`;
    const sigs = compileSignatures({ PATH_TRAVERSAL: EVIL });
    const worst = Math.max(
      ms(() => firstMatch(sigs.PATH_TRAVERSAL, request)),
      ms(() => firstMatch(sigs.PATH_TRAVERSAL, `/${'a'.repeat(4096)}`)),
      ms(() => firstMatch(sigs.PATH_TRAVERSAL, `/${'a '.repeat(2048)}`)),
    );
    console.log(`ReDoS request time, "/" + 28 "a": V8 before ${v8} ms; RE2 after (4 evil patterns, up to 4 KB) ${worst.toFixed(2)} ms`);
    assert.ok(before.signal === 'SIGTERM' || Number(before.stdout) > 500, 'V8 really backtracks on it (the test measures something)');
    assert.ok(worst < 200, `RE2 took ${worst} ms`);
  });

  test('command patterns from the config too; lookaround and backreferences are refused with the reason', () => {
    const patterns = compileCommandPatterns(EVIL);
    const t = ms(() => matchCommand(patterns, `x${'a'.repeat(4000)}`));
    assert.ok(t < 200, `${t} ms`);
    assert.equal(matchCommand(patterns, 'AAAB')?.name, 'custom_2', 'case-insensitive as before');
    assert.throws(() => compileCommandPatterns(['(?<=x)y']), /pattern 1 .* linear-time engine \(RE2\) accepts: invalid perl operator/);
    assert.throws(() => compileCommandPatterns(['(a)\\1']), /invalid escape sequence/);
  });

  test('built-in patterns are held to the rule: regular (RE2 accepts them), no nested quantifier, no quantified alternation', () => {
    assert.ok(hasQuantifiedAlternation('(a|a)*b'));
    assert.ok(hasQuantifiedAlternation('([a-z]|[a-z0-9])*x$'));
    assert.ok(hasQuantifiedAlternation('(?:x|y){2,}'));
    assert.ok(!hasQuantifiedAlternation('(?:or|and) ?x'));
    assert.ok(!hasQuantifiedAlternation('(?:a|b)?c{0,1}'));
    assert.ok(!hasQuantifiedAlternation('[(|)]*'));
    const re2 = () => true;
    assert.equal(builtinPatternProblem('(a|a)*b', re2), 'quantified alternation');
    assert.equal(builtinPatternProblem('(a+)+', re2), 'nested quantifier');
    // Every built-in, RE2's acceptance included (checkBuiltinSources throws naming the first that breaks the rule).
    assert.doesNotThrow(() => checkBuiltinSources(PAYLOAD_ATTACK_TYPES.flatMap((t) => BUILTIN_SIGNATURES[t])));
    assert.doesNotThrow(() => checkBuiltinSources(BUILTIN_COMMAND_PATTERNS.map((p) => ({ name: p.name, source: (p.regex as RegExp).source }))));
    assert.throws(() => checkBuiltinSources([{ name: 'bad', source: '(a+)+' }]), /built-in pattern bad breaks the linear-time rule: nested quantifier/);
    assert.throws(() => checkBuiltinSources([{ name: 'lookbehind', source: '(?<=x)y' }]), /built-in pattern lookbehind breaks the linear-time rule: not a regular pattern/);
  });
});
