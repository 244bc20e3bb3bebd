import { Box, Text, useInput } from 'ink';
import type { Theme } from '../theme.js';
import { sanitizeForDisplay } from '../../text/display-sanitizer.js';

export interface FilterPromptProps {
  draft: string;
  cursor: number;
  error: string | null;
  width: number;
  theme: Theme;
  onEdit(draft: string, cursor: number): void;
  onSubmit(text: string): void;
  onCancel(): void;
}

/** Longest filter a person can type; the parser bounds its own work too. */
const MAX_FILTER_CHARS = 512;

/**
 * A one-line editor for the filter. It owns the keyboard while open (the panes' input hook is
 * inactive), so typed letters never reach the keymap below.
 */
export function FilterPrompt({ draft, cursor, error, width, theme, onEdit, onSubmit, onCancel }: FilterPromptProps) {
  useInput((input, key) => {
    if (key.escape) return onCancel();
    if (key.return) return onSubmit(draft.trim());
    if (key.leftArrow) return onEdit(draft, Math.max(0, cursor - 1));
    if (key.rightArrow) return onEdit(draft, Math.min(draft.length, cursor + 1));
    if (key.home || (key.ctrl && input === 'a')) return onEdit(draft, 0);
    if (key.end || (key.ctrl && input === 'e')) return onEdit(draft, draft.length);
    if (key.ctrl && input === 'u') return onEdit(draft.slice(cursor), 0);
    if (key.backspace || key.delete) {
      if (cursor === 0) return;
      return onEdit(draft.slice(0, cursor - 1) + draft.slice(cursor), cursor - 1);
    }
    if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return;
    // Pasted text arrives as one chunk; keep printable characters only.
    const text = input.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
    if (text === '') return;
    const next = (draft.slice(0, cursor) + text + draft.slice(cursor)).slice(0, MAX_FILTER_CHARS);
    onEdit(next, Math.min(next.length, cursor + text.length));
  });
  const shown = sanitizeForDisplay(draft, { maxWidth: Math.max(10, width - 12) });
  const before = sanitizeForDisplay(draft.slice(0, cursor), { maxWidth: Math.max(10, width - 12) });
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text color={theme.accent} bold>
          filter&gt;{' '}
        </Text>
        <Text>{before}</Text>
        <Text inverse>{shown.slice(before.length, before.length + 1) || ' '}</Text>
        <Text>{shown.slice(before.length + 1)}</Text>
      </Text>
      <Text wrap="truncate" color={error ? theme.danger : theme.muted}>
        {error ? sanitizeForDisplay(error, { maxWidth: width }) : 'Enter applies, Esc cancels — e.g. port 22 and not country LAN, process ssh, ip 10.0.0.0/8, alert'}
      </Text>
    </Box>
  );
}
