/**
 * The one error the lexer and parser raise. It carries the 0-based character position so the
 * prompt can point at the mistake; the public API turns it into a result, never a throw.
 */
export class FilterError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'FilterError';
  }
}

/** Longest shown excerpt of the person's own text in a message: errors stay one short line. */
const EXCERPT_MAX = 24;

/** Quotes a piece of the typed text for an error message, shortened when long. */
export function excerpt(text: string): string {
  return `'${shorten(text)}'`;
}

/** Shortened and with control characters escaped (\n, \x1b …): a message never spans lines. */
export function shorten(text: string): string {
  const short = text.length > EXCERPT_MAX ? `${text.slice(0, EXCERPT_MAX - 1)}…` : text;
  return short.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
