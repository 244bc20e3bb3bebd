import { Box, Text } from 'ink';
import { KEYMAP } from '../keymap.js';
import type { Theme } from '../theme.js';

interface HelpLine {
  keys: string;
  description: string;
}

/** Generated from the keymap, so it always tells the truth about the keys. */
export function helpLines(): HelpLine[] {
  const out: HelpLine[] = [];
  for (const b of KEYMAP) {
    if (/^pane[2-5]$/.test(b.command)) continue;
    if (b.command === 'pane1') out.push({ keys: '1-5', description: 'panes: packets, connections, alerts, blocked, history' });
    else out.push({ keys: b.keys, description: b.description });
  }
  return out;
}

export function HelpOverlay({ height, width, theme }: { height: number; width: number; theme: Theme }) {
  const lines = helpLines();
  const perColumn = Math.max(1, height - 1);
  const columns = lines.length > perColumn ? 2 : 1;
  const columnWidth = Math.floor(width / columns);
  const chunks = Array.from({ length: columns }, (_, c) => lines.slice(c * perColumn, (c + 1) * perColumn));
  return (
    <Box flexDirection="column" height={height} width={width}>
      <Text bold color={theme.accent}>
        Keys — Esc or ? closes this help
      </Text>
      <Box>
        {chunks.map((chunk, c) => (
          <Box key={c} flexDirection="column" width={columnWidth}>
            {chunk.map((l) => (
              <Text key={l.keys} wrap="truncate">
                <Text color={theme.accent}>{l.keys.padEnd(10)}</Text>
                <Text>{l.description}</Text>
              </Text>
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
