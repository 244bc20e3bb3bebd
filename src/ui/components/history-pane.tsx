import { Table } from '@alcalzone/ink-table';
import { Box, Text } from 'ink';
import type { HistoryEvent } from '../store/engine-data-store.js';
import type { Theme } from '../theme.js';
import { sanitizeForDisplay } from '../../text/display-sanitizer.js';
import { resolveHighlight } from '../state/view-state.js';

export interface HistoryPaneProps {
  events: readonly HistoryEvent[];
  /** 'file': entries of the history file (and archives); 'session': this run only (no history file). */
  source: 'file' | 'session';
  height: number;
  width: number;
  highlight: number;
  theme: Theme;
}

/**
 * The session's alerts and block changes in a boxed table. A boxed table costs two lines per
 * border plus one per row, so it shows the page around the highlight.
 */
export function HistoryPane({ events, source, height, width, highlight, theme }: HistoryPaneProps) {
  if (events.length === 0) {
    return (
      <Box height={height} width={width}>
        <Text color={theme.muted}>{source === 'file' ? 'The history file is empty.' : 'No alerts or blocks yet in this session.'}</Text>
      </Box>
    );
  }
  const rowsFit = Math.max(1, height - 4);
  const index = resolveHighlight(highlight, events.length);
  const start = Math.max(0, Math.min(index - rowsFit + 1, events.length - rowsFit));
  const addressWidth = Math.max(15, width - 62);
  const data = events.slice(start, start + rowsFit).map((e) => ({
    time: e.time.slice(0, 19).replace('T', ' '),
    event: e.kind,
    address: sanitizeForDisplay(e.address, { maxWidth: addressWidth }),
    what: sanitizeForDisplay(e.what, { maxWidth: 18 }),
    action: e.action,
  }));
  return (
    <Box flexDirection="column" height={height} width={width} overflow="hidden">
      <Table data={data} />
      <Text color={theme.muted}>
        {start + 1}-{start + data.length} of {events.length} {source === 'file' ? '(history file, newest last)' : '(this session only: no history file for this run; replays record with --history FILE)'}
      </Text>
    </Box>
  );
}
