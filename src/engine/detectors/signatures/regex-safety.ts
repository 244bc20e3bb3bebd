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
      // Skip a character class (escapes inside; a ']' right after '[' or '[^' is literal).
      i++;
      if (source[i] === '^') i++;
      if (source[i] === ']') i++;
      while (i < n && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      i++;
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
