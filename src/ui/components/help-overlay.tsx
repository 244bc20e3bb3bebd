import { Box, Text } from 'ink';
import { KEYMAP, type CommandName } from '../keymap.js';
import type { Theme, Tone } from '../theme.js';
import { toneColor } from '../theme.js';
import { fitCell } from './fit-cell.js';

interface HelpLine {
  keys: string;
  description: string;
}

/** Commands shown together on one help line (the first one's line carries them). */
const MERGED: Partial<Record<CommandName, { keys: string; description: string } | null>> = {
  pane1: { keys: '1-5', description: 'the five panes, left to right' },
  pane2: null,
  pane3: null,
  pane4: null,
  pane5: null,
  nextPane: { keys: 'Tab', description: 'next pane (Shift-Tab: previous)' },
  prevPane: null,
  close: { keys: 'Esc', description: 'back / clear the filter' },
  clearFilter: null,
};

/** Generated from the keymap, so it always tells the truth about the keys. */
export function helpLines(): HelpLine[] {
  const out: HelpLine[] = [];
  for (const b of KEYMAP) {
    const merged = MERGED[b.command];
    if (merged === null) continue;
    out.push(merged ?? { keys: b.keys, description: b.description });
  }
  return out;
}

/** What the colours (and marks, without colour) mean. */
export const LEGEND: readonly { tone: Tone; sample: string; meaning: string }[] = [
  { tone: 'danger', sample: '! red', meaning: 'attacker (has an alert); high' },
  { tone: 'warning', sample: 'yellow', meaning: 'medium; warning; dry run' },
  { tone: 'info', sample: 'blue', meaning: 'low severity; notes' },
  { tone: 'ok', sample: 'green', meaning: 'trusted process; lifted' },
  { tone: 'muted', sample: 'grey', meaning: 'hints, own SSH session' },
  { tone: null, sample: 'inverse', meaning: 'the highlighted row' },
];

const FILTER_SYNTAX = [
  'filter: process NAME  port N[-M]  ip ADDR[/LEN]  status S  country CC  proto P',
  '        alert  and  or  not  ( )   e.g. /port 22 and not country LAN',
];

/** Lines the help needs at a width: title, keys in two columns, legend in two columns, filter syntax. */
export function helpHeight(width: number): number {
  const columns = width >= 70 ? 2 : 1;
  return 1 + Math.ceil(helpLines().length / columns) + 1 + Math.ceil(LEGEND.length / columns) + FILTER_SYNTAX.length;
}

export function HelpOverlay({ height, width, theme }: { height: number; width: number; theme: Theme }) {
  const lines = helpLines();
  const columns = width >= 70 ? 2 : 1;
  const columnWidth = Math.floor(width / columns);
  const perColumn = Math.ceil(lines.length / columns);
  const keyChunks = Array.from({ length: columns }, (_, c) => lines.slice(c * perColumn, (c + 1) * perColumn));
  const legendPer = Math.ceil(LEGEND.length / columns);
  const legendChunks = Array.from({ length: columns }, (_, c) => LEGEND.slice(c * legendPer, (c + 1) * legendPer));
  return (
    <Box flexDirection="column" height={height} width={width} overflow="hidden">
      <Text bold color={theme.accent} wrap="truncate">
        {fitCell('Keys — ? or Esc closes this help', width)}
      </Text>
      <Box>
        {keyChunks.map((chunk, c) => (
          <Box key={c} flexDirection="column" width={columnWidth}>
            {chunk.map((l) => (
              <Text key={l.keys} wrap="truncate">
                <Text color={theme.accent}>{fitCell(l.keys, 6)} </Text>
                <Text>{fitCell(l.description, columnWidth - 8)}</Text>
              </Text>
            ))}
          </Box>
        ))}
      </Box>
      <Text bold color={theme.accent} wrap="truncate">
        {fitCell('Colours', width)}
      </Text>
      <Box>
        {legendChunks.map((chunk, c) => (
          <Box key={c} flexDirection="column" width={columnWidth}>
            {chunk.map((l) => (
              <Text key={l.sample} wrap="truncate">
                <Text color={toneColor(theme, l.tone)} inverse={l.tone === null}>
                  {fitCell(l.sample, 8)}
                </Text>
                <Text> {fitCell(l.meaning, columnWidth - 10)}</Text>
              </Text>
            ))}
          </Box>
        ))}
      </Box>
      {FILTER_SYNTAX.map((line) => (
        <Text key={line} wrap="truncate" color={theme.muted}>
          {fitCell(line, width)}
        </Text>
      ))}
    </Box>
  );
}
