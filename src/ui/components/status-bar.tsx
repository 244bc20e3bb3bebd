import { Text } from 'ink';
import stringWidth from 'string-width';
import type { Theme } from '../theme.js';
import { fitCell } from './fit-cell.js';
import { sanitizeForDisplay } from '../../text/display-sanitizer.js';

const HINTS = 'Enter details  b block  u unblock  / filter  Tab pane  ? help  q quit';
const REVIEW_HINTS = 'Enter details  u unblock  / filter  Tab pane  ? help  q quit';

/** The last line: the latest notice (or the main keys), and at its right end what the pane leaves out. */
export function StatusBar({ notice, note, review, width, theme }: { notice: string | null; note: string | undefined; review: boolean; width: number; theme: Theme }) {
  const right = note === undefined ? '' : ` ${note}`;
  const rightWidth = Math.min(stringWidth(right), Math.max(0, width - 10));
  const left = notice !== null ? sanitizeForDisplay(notice, { maxWidth: width }) : review ? REVIEW_HINTS : HINTS;
  return (
    <Text wrap="truncate">
      <Text color={notice !== null ? theme.warning : theme.muted}>{fitCell(left, width - rightWidth)}</Text>
      {rightWidth > 0 ? <Text color={theme.info}>{fitCell(right, rightWidth)}</Text> : null}
    </Text>
  );
}
