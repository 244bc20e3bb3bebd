import { createRequire } from 'node:module';

/** What a detector needs of a pattern: does the text contain a match, and which text matched? */
export interface Matcher {
  test(text: string): boolean;
  exec(text: string): { readonly 0: string } | null;
}

interface Re2Class {
  new (pattern: string, flags: string): Matcher;
}

let Re2: Re2Class | null = null;

/**
 * A user-supplied pattern compiled for RE2 (re2-wasm): matching time is linear in the text
 * whatever the pattern, so no config file can freeze the engine with `(a|a)*b` or
 * `([a-z]|[a-z0-9])*x$`. RE2 has no backreferences and no lookaround; such patterns are
 * refused with the engine's reason. Case-insensitive, as the config file's patterns always were.
 *
 * Why re2-wasm (measured): on `/` + 4,096 `a`s, `([a-z]|[a-z0-9])*x$` took 0.16 ms in
 * re2-wasm against 2.6 ms in re2js (pure JS), and V8's backtracking engine never finished for
 * 28 `a`s; on an ordinary 400-byte request 0.04-0.13 ms against 0.15-0.38 ms. The native `re2`
 * binding needs a C++ build at install (no prebuilt binaries can be fetched here).
 */
export function compileLinear(source: string): Matcher {
  Re2 ??= (createRequire(import.meta.url)('re2-wasm') as { RE2: Re2Class }).RE2;
  try {
    return new Re2(source, 'iu');
  } catch (e) {
    throw new RangeError(((e as Error).message ?? String(e)).replace(/^Invalid regular expression: \/.*\/iu: /s, ''));
  }
}
