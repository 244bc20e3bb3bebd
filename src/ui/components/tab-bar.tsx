import { Box, Text } from 'ink';
import type { Theme } from '../theme.js';
import { PANES, PANE_TITLES, type PaneId } from '../state/view-state.js';
import { sanitizeForDisplay } from '../../text/display-sanitizer.js';

export interface TabBarProps {
  active: PaneId;
  counts: Partial<Record<PaneId, number>>;
  filterText: string;
  width: number;
  theme: Theme;
}

export function TabBar({ active, counts, filterText, width, theme }: TabBarProps) {
  return (
    <Box width={width}>
      {PANES.map((pane, i) => {
        const count = counts[pane];
        const label = ` ${i + 1} ${PANE_TITLES[pane]}${count !== undefined ? ` (${count})` : ''} `;
        const isActive = pane === active;
        return (
          <Text key={pane} bold={isActive} inverse={isActive} color={isActive ? theme.accent : theme.muted}>
            {label}
          </Text>
        );
      })}
      {filterText !== '' ? (
        <Text color={theme.warning} wrap="truncate">
          {' '}filter: {sanitizeForDisplay(filterText, { maxWidth: 40 })}
        </Text>
      ) : null}
    </Box>
  );
}
