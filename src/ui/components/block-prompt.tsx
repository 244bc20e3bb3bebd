import { Box, Text, useInput } from 'ink';
import type { Theme } from '../theme.js';
import { formatDuration, type BlockTarget } from '../state/view-state.js';
import { countryTag } from '../format.js';
import { sanitizeForDisplay } from '../../text/display-sanitizer.js';

export interface BlockPromptProps {
  target: BlockTarget;
  durationSeconds: number;
  dryRun: boolean;
  width: number;
  theme: Theme;
  onConfirm(): void;
  onCancel(): void;
  onCycleDuration(): void;
}

/**
 * Asks before blocking, naming the address with what we know of it. Modal: y confirms, d
 * changes the duration, anything else (n, N, Esc, Enter) cancels — the safe default is No.
 */
export function BlockPrompt({ target, durationSeconds, dryRun, width, theme, onConfirm, onCancel, onCycleDuration }: BlockPromptProps) {
  useInput((input, key) => {
    if (input === 'y' || input === 'Y') return onConfirm();
    if (input === 'd' || input === 'D') return onCycleDuration();
    if (key.escape || key.return || input === 'n' || input === 'N' || input === 'q') return onCancel();
  });
  const who = `${target.address}${target.country ? ` ${countryTag(target.country)}` : ''}`;
  return (
    <Box flexDirection="column" width={width} borderStyle="round" borderColor={theme.danger}>
      <Text wrap="truncate">
        <Text bold color={theme.danger}>
          Block {sanitizeForDisplay(who, { maxWidth: 60 })}
        </Text>
        <Text color={theme.muted}> process </Text>
        <Text>{sanitizeForDisplay(target.process ?? 'unknown', { maxWidth: 24 })}</Text>
      </Text>
      <Text wrap="truncate">
        <Text color={theme.muted}>reason </Text>
        <Text>{sanitizeForDisplay(target.reason, { maxWidth: Math.max(20, width - 12) })}</Text>
      </Text>
      <Text wrap="truncate">
        <Text color={theme.muted}>for </Text>
        <Text bold>{formatDuration(durationSeconds)}</Text>
        <Text color={theme.muted}> (d changes){dryRun ? ' — dry run: recorded, no firewall change' : ''}   </Text>
        <Text bold>Block? y / N</Text>
      </Text>
    </Box>
  );
}
