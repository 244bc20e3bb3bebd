/** One column of a row table. Widths are terminal columns. */
export interface ColumnSpec {
  title: string;
  /** Never narrower while shown. */
  min: number;
  /** Never wider (wider text is cut with '…'), unless it is the growing column. */
  max: number;
  /** Takes what is left once every column has what its text needs (one per table). */
  grow?: boolean;
  align?: 'left' | 'right';
  /**
   * When the minimums do not fit, columns are dropped, highest rank first; columns without a
   * rank are never dropped.
   */
  dropRank?: number;
}

export interface PlacedColumn {
  /** Index into the row's cells. */
  index: number;
  width: number;
  spec: ColumnSpec;
}

/**
 * Which columns fit in `width` and how wide each is. Every column first asks for what its text
 * needs (between its min and max); while that does not fit, the
 * least useful column is dropped (highest dropRank). What still does not fit is taken from the
 * widest columns, never below their minimum; room left over goes to the growing column. One
 * space between columns; the line is never wider than `width`.
 */
export function layoutColumns(columns: readonly ColumnSpec[], width: number, needs: readonly number[]): PlacedColumn[] {
  const want = (spec: ColumnSpec, index: number) => Math.min(spec.max, Math.max(spec.min, needs[index] ?? spec.min));
  let shown: PlacedColumn[] = columns.map((spec, index) => ({ spec, index, width: want(spec, index) }));
  const total = () => shown.reduce((sum, c) => sum + c.width, 0) + Math.max(0, shown.length - 1);
  while (total() > width) {
    let victim = -1;
    shown.forEach((c, i) => {
      if (c.spec.dropRank !== undefined && (victim < 0 || c.spec.dropRank > shown[victim]!.spec.dropRank!)) victim = i;
    });
    if (victim < 0) break;
    shown = shown.filter((_, i) => i !== victim);
  }
  // Still too wide: narrow the widest columns, one column at a time, down to their minimum.
  let over = total() - width;
  while (over > 0) {
    let widest: PlacedColumn | null = null;
    for (const c of shown) if (c.width > c.spec.min && (widest === null || c.width - c.spec.min > widest.width - widest.spec.min)) widest = c;
    if (widest === null) break;
    widest.width--;
    over--;
  }
  // Minimums that cannot fit: cut from the right so the line never wraps.
  for (let i = shown.length - 1; i >= 0 && over > 0; i--) {
    const cut = Math.min(over, shown[i]!.width);
    shown[i]!.width -= cut;
    over -= cut;
  }
  const room = width - total();
  const grow = shown.find((c) => c.spec.grow);
  if (grow !== undefined && room > 0) grow.width += room;
  return shown.filter((c) => c.width > 0);
}

/**
 * How wide each column's text is, at most its `max`:
 * measured in UTF-16 units, which is the display width for the ASCII that addresses, numbers
 * and names mostly are (the table cuts by display width anyway).
 */
export function measureColumns(columns: readonly ColumnSpec[], rows: readonly { cells: readonly string[] }[]): number[] {
  return columns.map((spec, i) => {
    const cap = spec.max;
    let w = spec.title.length;
    for (const r of rows) {
      const len = r.cells[i]?.length ?? 0;
      if (len > w) {
        w = len;
        if (w >= cap) return cap;
      }
    }
    return w;
  });
}
