/**
 * A static guard against catastrophic backtracking: a quantified group whose body is itself
 * quantified ((a+)+, (\w*x)*, (a{1,}){2,}) can take exponential time on a near-miss input.
 * Built-in patterns are checked by a test; patterns from the config file are refused with it.
 *
 * The check is deliberately coarse: an outer `?` is allowed (it runs its body once at most),
 * anything else quantifying a group with a quantifier inside counts as nested.
 * Alternations of overlapping branches under a star ((a|a)*) are not detected.
 */
export function hasNestedQuantifier(source: string): boolean {
  // One frame per open group: does its body contain a quantifier?
  const stack: boolean[] = [false];
  let i = 0;
  const n = source.length;
  const quantifierAt = (j: number): { len: number; optionalOnly: boolean } | null => {
    const c = source[j];
    if (c === '*' || c === '+') return { len: 1, optionalOnly: false };
    if (c === '?') return { len: 1, optionalOnly: true };
    if (c === '{') {
      const m = /^\{\d+(?:,\d*)?\}/.exec(source.slice(j, j + 24));
      if (m !== null) return { len: m[0].length, optionalOnly: false };
    }
    return null;
  };
  while (i < n) {
    const c = source[i]!;
    if (c === '\\') {
      i += 2;
    } else if (c === '[') {
      i = afterCharacterClass(source, i);
    } else if (c === '(') {
      stack.push(false);
      i++;
      // Group syntax (?: (?= (?! (?<= (?<! (?<name> is not a quantifier.
      if (source[i] === '?') {
        i++;
        if (source[i] === '<' && source[i + 1] !== '=' && source[i + 1] !== '!') {
          while (i < n && source[i] !== '>') i++;
        }
        i++;
      }
      continue;
    } else if (c === ')') {
      const inner = stack.length > 1 ? stack.pop()! : false;
      i++;
      const q = quantifierAt(i);
      if (q !== null) {
        if (inner && !q.optionalOnly) return true;
        i += q.len;
        if (source[i] === '?') i++; // lazy
        stack[stack.length - 1] = true;
      } else if (inner) {
        stack[stack.length - 1] = true;
      }
      continue;
    } else {
      i++;
    }
    const q = quantifierAt(i);
    if (q !== null) {
      stack[stack.length - 1] = true;
      i += q.len;
      if (source[i] === '?') i++;
    }
  }
  return false;
}

/**
 * A group with a top-level alternation under an unbounded quantifier ((a|a)*, ([a-z]|[a-z0-9])+,
 * (?:x|y){2,}): when branches overlap, backtracking tries every split, exponential in the input.
 * `?` and `{0,1}` are allowed (the body runs at most once).
 */
export function hasQuantifiedAlternation(source: string): boolean {
  const stack: { alternation: boolean }[] = [{ alternation: false }];
  const n = source.length;
  let i = 0;
  while (i < n) {
    const c = source[i]!;
    if (c === '\\') {
      i += 2;
    } else if (c === '[') {
      i = afterCharacterClass(source, i);
    } else if (c === '(') {
      stack.push({ alternation: false });
      i++;
    } else if (c === '|') {
      stack[stack.length - 1]!.alternation = true;
      i++;
    } else if (c === ')') {
      const frame = stack.length > 1 ? stack.pop()! : { alternation: false };
      i++;
      const q = source[i];
      const unbounded = q === '*' || q === '+' || (q === '{' && /^\{\d+,\d*\}/.test(source.slice(i, i + 24)) && !/^\{0,1\}/.test(source.slice(i, i + 6)));
      if (frame.alternation && unbounded) return true;
    } else {
      i++;
    }
  }
  return false;
}

/**
 * The rule every built-in pattern is held to (they run in V8's backtracking engine for speed):
 * RE2 must accept it (a regular language, but for fixed lookaheads and back-references to
 * bounded groups), and it has neither
 * nested quantifiers nor a quantified alternation — the shapes of exponential backtracking.
 * Returns why a pattern breaks the rule, or null.
 */
export function builtinPatternProblem(source: string, acceptedByRe2: (source: string) => boolean): string | null {
  // Two exceptions, each a constant cost per position: a back-reference to a bounded group
  // (`or 1=1`'s same number on both sides) and a lookahead without quantifiers or groups
  // (`\b(?!=)`). The rest of the pattern must still be regular.
  const rest = source.replace(/\\[1-9]/g, '(?:)').replace(/\(\?[=!](?:\\.|[^()*+?{}\\])*\)/g, '(?:)');
  if (!acceptedByRe2(rest)) return 'not a regular pattern RE2 accepts';
  if (hasNestedQuantifier(source)) return 'nested quantifier';
  if (hasQuantifiedAlternation(source)) return 'quantified alternation';
  return null;
}

/** The index after the character class opened at `open` (escapes inside; a ']' right after '[' or '[^' is literal). */
function afterCharacterClass(source: string, open: number): number {
  let i = open + 1;
  if (source[i] === '^') i++;
  if (source[i] === ']') i++;
  while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
  return i + 1;
}
