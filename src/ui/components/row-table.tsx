import { Box, Text } from 'ink';
import { toneColor, type Theme, type Tone } from '../theme.js';
import { sanitizeForDisplay } from '../../text/display-sanitizer.js';
import { layoutColumns, measureColumns, type ColumnSpec } from './column-layout.js';
import { fitCell } from './fit-cell.js';

export type { ColumnSpec } from './column-layout.js';

export interface TableRow {
  key: string;
  /** Raw cell texts: the table passes each visible one through the display sanitizer. */
  cells: string[];
  tone: Tone;
}

export interface RowTableProps {
  columns: readonly ColumnSpec[];
  rows: readonly TableRow[];
  /** Rows of the body (the header takes one more). */
  height: number;
  width: number;
  /** Index of the highlighted row, -1 for none. */
  highlight: number;
  /** Keep the newest rows in view (the highlight is on the last row and follows it). */
  follow: boolean;
  theme: Theme;
  emptyText: string;
}

/**
 * The first visible row: the newest rows when following, otherwise the highlight kept near the
 * middle so rows around it stay visible while moving.
 */
export function windowStart(rowCount: number, height: number, index: number, follow: boolean): number {
  if (rowCount <= height || height <= 0) return 0;
  const start = follow ? rowCount - height : index - Math.floor(height / 2);
  return Math.max(0, Math.min(start, rowCount - height));
}

/**
 * A windowed table of our own (hot panes do not use a table library: it renders every row):
 * only the rows on screen are rendered, one line each, so a 1000-row feed costs what 20 rows
 * cost. Columns take the width their text needs (see layoutColumns). Every cell goes through the
 * display sanitizer right before it is drawn, so no pane can forget to.
 */
export function RowTable({ columns, rows, height, width, highlight, follow, theme, emptyText }: RowTableProps) {
  const layout = layoutColumns(columns, width, measureColumns(columns, rows));
  const titles = layout.map((c) => fitCell(c.spec.title, c.width, c.spec.align)).join(' ');
  const start = windowStart(rows.length, height, highlight, follow);
  const visible = rows.slice(start, start + height);
  return (
    <Box flexDirection="column" height={height + 1} width={width}>
      <Text bold color={theme.accent} wrap="truncate">
        {fitCell(titles, width)}
      </Text>
      {rows.length === 0 ? (
        <Text color={theme.muted} wrap="truncate">
          {fitCell(emptyText, width)}
        </Text>
      ) : (
        visible.map((row, i) => {
          const isHighlighted = start + i === highlight;
          // The one place row text meets the terminal: sanitize here, only what is on screen.
          const line = layout.map((c) => fitCell(sanitizeForDisplay(row.cells[c.index] ?? '', { maxWidth: c.width }), c.width, c.spec.align)).join(' ');
          const color = isHighlighted ? theme.highlightFg : toneColor(theme, row.tone);
          return (
            <Text key={row.key} wrap="truncate" color={color} backgroundColor={isHighlighted ? theme.highlightBg : undefined} inverse={isHighlighted && !theme.enabled}>
              {line}
            </Text>
          );
        })
      )}
    </Box>
  );
}
