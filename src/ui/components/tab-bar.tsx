import { Box, Text } from 'ink';
import stringWidth from 'string-width';
import type { Theme } from '../theme.js';
import { PANES, PANE_SHORT_TITLES, PANE_TITLES, type PaneId } from '../state/view-state.js';
import { sanitizeForDisplay } from '../../text/display-sanitizer.js';

export interface TabBarProps {
  active: PaneId;
  counts: Partial<Record<PaneId, number>>;
  filterText: string;
  /** Panes the filter in force does not apply to (their rows lack a field it tests). */
  notFiltered: readonly PaneId[];
  width: number;
  theme: Theme;
}

/** The panes, their counts, and the filter in force with the panes it does not apply to. Never wider than `width`. */
export function TabBar({ active, counts, filterText, notFiltered, width, theme }: TabBarProps) {
  const wide = width >= 100;
  const titles = wide ? PANE_TITLES : PANE_SHORT_TITLES;
  // Narrow: no parentheses and no zero counts, so a filter has room after the tabs.
  const labels = PANES.map((pane, i) => {
    const count = counts[pane];
    const shown = count === undefined || (!wide && count === 0) ? '' : wide ? ` (${count})` : ` ${count}`;
    // One space before each label; the active one gets one after too, so its inverse block reads as a tab.
    return { pane, text: ` ${i + 1} ${titles[pane]}${shown}${pane === active ? ' ' : ''}` };
  });
  const used = labels.reduce((sum, l) => sum + stringWidth(l.text), 0);
  const exempt = notFiltered.length > 0 ? ` (not ${notFiltered.map((p) => PANES.indexOf(p) + 1).join(',')})` : '';
  const room = Math.max(0, width - used - 1);
  const filterShown = filterText === '' || room < 10 ? '' : fitFilter(filterText, exempt, room);
  return (
    <Box width={width}>
      <Text wrap="truncate">
        {labels.map((l) => {
          const isActive = l.pane === active;
          return (
            <Text key={l.pane} bold={isActive} inverse={isActive} color={isActive ? theme.accent : notFiltered.includes(l.pane) ? theme.muted : undefined}>
              {l.text}
            </Text>
          );
        })}
        {filterShown !== '' ? <Text color={theme.warning}> {filterShown}</Text> : null}
      </Text>
    </Box>
  );
}

/** `/port 22 (not 4)`, the filter text cut to the room left. */
function fitFilter(text: string, exempt: string, room: number): string {
  const prefix = '/';
  const textRoom = Math.max(3, room - prefix.length - exempt.length);
  const shown = sanitizeForDisplay(text, { maxWidth: textRoom });
  return `${prefix}${shown}${exempt}`.slice(0, room);
}
