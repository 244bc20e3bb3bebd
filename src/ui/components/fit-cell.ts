import stringWidth from 'string-width';

/**
 * Pads or cuts already-sanitized text to exactly `width` terminal columns (wide characters
 * count two), ending a cut with '…'. Cuts by code point, never inside a surrogate pair.
 */
export function fitCell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  let w = stringWidth(text);
  let out = text;
  if (w > width) {
    const chars = Array.from(text);
    let acc = '';
    let accWidth = 0;
    for (const c of chars) {
      const cw = stringWidth(c);
      if (accWidth + cw > width - 1) break;
      acc += c;
      accWidth += cw;
    }
    out = `${acc}…`;
    w = accWidth + 1;
  }
  const pad = ' '.repeat(Math.max(0, width - w));
  return align === 'left' ? out + pad : pad + out;
}
