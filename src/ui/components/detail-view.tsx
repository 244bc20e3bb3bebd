import { Box, Text } from 'ink';
import { toneColor, type Theme, type Tone } from '../theme.js';
import { LABEL_WIDTH, type DetailRow } from '../detail/detail-rows.js';
import { fitCell } from './fit-cell.js';
import { sanitizeForDisplay } from '../../text/display-sanitizer.js';

export interface DetailViewProps {
  title: { text: string; tone: Tone };
  rows: readonly DetailRow[];
  scroll: number;
  /** Lines for the whole view: title, rows, key line. */
  height: number;
  width: number;
  review: boolean;
  theme: Theme;
}

/** Rows of the body between the title and the key line. */
export function detailBodyHeight(height: number): number {
  return Math.max(1, height - 2);
}

/** Everything about one row, scrolled with ↑↓ / PgUp PgDn; Esc goes back to the pane. */
export function DetailView({ title, rows, scroll, height, width, review, theme }: DetailViewProps) {
  const body = detailBodyHeight(height);
  const visible = rows.slice(scroll, scroll + body);
  const more = rows.length > scroll + body ? ` ↓ ${rows.length - scroll - body} more` : '';
  const keys = `Esc back  ${review ? '' : 'b block  '}u unblock  ↑↓ PgUp PgDn scroll${more}`;
  return (
    <Box flexDirection="column" height={height} width={width}>
      <Text bold inverse color={toneColor(theme, title.tone)} wrap="truncate">
        {fitCell(` ${sanitizeForDisplay(title.text, { maxWidth: width - 1 })}`, width)}
      </Text>
      <Box flexDirection="column" height={body}>
        {visible.map((r, i) =>
          r.section ? (
            <Text key={scroll + i} bold color={theme.accent} wrap="truncate">
              {fitCell(`── ${r.text} `, width)}
            </Text>
          ) : (
            <Text key={scroll + i} wrap="truncate">
              <Text color={theme.muted}>{fitCell(r.label, LABEL_WIDTH)} </Text>
              <Text color={toneColor(theme, r.tone)}>{r.text}</Text>
            </Text>
          ),
        )}
      </Box>
      <Text color={theme.muted} wrap="truncate">
        {fitCell(keys, width)}
      </Text>
    </Box>
  );
}
