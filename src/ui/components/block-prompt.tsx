import { Box, Text } from 'ink';
import type { Theme } from '../theme.js';
import { formatDuration, type BlockCheck, type BlockTarget } from '../state/view-state.js';
import { countryTag } from '../format.js';
import { sanitizeForDisplay } from '../../text/display-sanitizer.js';

export interface BlockPromptProps {
  target: BlockTarget;
  durationSeconds: number;
  check: BlockCheck;
  dryRun: boolean;
  width: number;
  theme: Theme;
}

/** Lines the prompt takes (border included). */
export const BLOCK_PROMPT_LINES = 5;

/**
 * Asks before blocking, naming the address with what we know of it, and whether the engine
 * would refuse it (protected: own address, gateway, resolver, live SSH peer, allowlist) before
 * anyone presses y. Modal: y confirms, d changes the duration, any other key says no.
 */
export function BlockPrompt({ target, durationSeconds, check, dryRun, width, theme }: BlockPromptProps) {
  const inner = Math.max(10, width - 4);
  const who = `${target.address}${target.country ? ` ${countryTag(target.country)}` : ''}`;
  const refused = check.state === 'done' && check.protectedReason !== null;
  return (
    <Box flexDirection="column" width={width} borderStyle="round" borderColor={refused ? theme.warning : theme.danger}>
      <Text wrap="truncate">
        <Text bold color={theme.danger}>
          Block {sanitizeForDisplay(who, { maxWidth: Math.min(50, inner) })}
        </Text>
        <Text color={theme.muted}> process </Text>
        <Text>{sanitizeForDisplay(target.process ?? 'unknown', { maxWidth: 20 })}</Text>
        <Text color={theme.muted}> — </Text>
        <Text>{sanitizeForDisplay(target.reason, { maxWidth: inner })}</Text>
      </Text>
      <Text wrap="truncate" color={refused ? theme.warning : check.state === 'done' ? theme.ok : theme.muted}>
        {check.state === 'pending'
          ? 'checking whether this address is protected…'
          : check.state === 'unknown'
            ? 'could not check protection: the engine refuses protected addresses anyway'
            : refused
              ? `PROTECTED: ${sanitizeForDisplay(check.protectedReason ?? '', { maxWidth: 40 })} — the engine will refuse this block`
              : 'not a protected address'}
      </Text>
      <Text wrap="truncate">
        <Text color={theme.muted}>for </Text>
        <Text bold>{formatDuration(durationSeconds)}</Text>
        <Text color={theme.muted}> (d changes){dryRun ? ' dry run: recorded, no firewall change' : ''}  </Text>
        <Text bold>Block? y / N</Text>
      </Text>
    </Box>
  );
}
