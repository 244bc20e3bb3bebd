import { Box, Text } from 'ink';
import type { Theme } from '../theme.js';
import type { LineEditor } from '../state/line-editor.js';
import { sanitizeForDisplay } from '../../text/display-sanitizer.js';

export interface FilterPromptProps {
  line: LineEditor;
  /** The filter in force, shown as a hint while the field is empty (↑ brings it back). */
  current: string;
  error: string | null;
  width: number;
  theme: Theme;
}

export const FILTER_PROMPT_LINES = 2;

/**
 * The filter field (a view: its keys are routed by input/route-key.ts). Opens empty; the filter
 * in force is the hint. The text window scrolls so the cursor stays on screen.
 */
export function FilterPrompt({ line, current, error, width, theme }: FilterPromptProps) {
  const room = Math.max(10, width - 9);
  const start = Math.max(0, line.cursor - room + 1);
  const visible = line.text.slice(start, start + room);
  const at = line.cursor - start;
  const before = sanitizeForDisplay(visible.slice(0, at), { maxWidth: room });
  const under = visible.slice(at, at + 1);
  const after = sanitizeForDisplay(visible.slice(at + 1), { maxWidth: Math.max(0, room - before.length - 1) });
  const hint = current !== '' ? `now: ${current} (↑ recalls)` : 'e.g. process python3, port 22 and not country LAN, ip 10.0.0.0/8, alert';
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text color={theme.accent} bold>
          filter&gt;{' '}
        </Text>
        <Text>{before}</Text>
        <Text inverse>{under === '' ? ' ' : sanitizeForDisplay(under)}</Text>
        <Text>{after}</Text>
        {line.text === '' ? <Text color={theme.muted}> {sanitizeForDisplay(hint, { maxWidth: Math.max(0, room - 2) })}</Text> : null}
      </Text>
      <Text wrap="truncate" color={error ? theme.danger : theme.muted}>
        {error ? sanitizeForDisplay(error, { maxWidth: width }) : 'Enter applies, Esc cancels, Ctrl-U clears, ↑↓ earlier filters'}
      </Text>
    </Box>
  );
}
