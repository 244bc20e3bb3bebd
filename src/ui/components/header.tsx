import { Box, Text } from 'ink';
import type { Theme } from '../theme.js';
import type { EngineData } from '../store/engine-data-store.js';
import { formatBytes, formatCount, formatUptime } from '../format.js';
import { sanitizeForDisplay } from '../../text/display-sanitizer.js';
import { FleetBadge } from './fleet-badge.js';
import stringWidth from 'string-width';

export interface HeaderProps {
  data: EngineData;
  paused: boolean;
  width: number;
  theme: Theme;
  nowMs: number;
}

/** Two lines: what is being watched and in which state; then the rates and counters. */
export function Header({ data, paused, width, theme, nowMs }: HeaderProps) {
  const source = data.source;
  const where = source === null ? 'starting…' : source.kind === 'live' ? `LIVE ${source.description}` : `REPLAY ${source.description}`;
  let state: { text: string; color: string | undefined };
  if (data.status === 'fatal') state = { text: 'ERROR', color: theme.danger };
  else if (data.status === 'ended') state = data.endReason === 'error' ? { text: 'replay ended: damaged file', color: theme.warning } : { text: source?.kind === 'file' ? 'end of replay' : 'capture stopped', color: theme.warning };
  else if (paused) state = { text: 'PAUSED', color: theme.warning };
  else state = { text: data.status === 'running' ? 'running' : 'starting', color: theme.ok };
  const stats = data.stats;
  const bySeverity = { high: 0, medium: 0, low: 0 };
  for (const a of data.alerts) {
    if (a.severity === 'high' || a.severity === 'critical') bySeverity.high++;
    else if (a.severity === 'medium') bySeverity.medium++;
    else bySeverity.low++;
  }
  const activeBlocks = data.blocks.filter((b) => b.expiresAt > nowMs).length;
  const uptime = formatUptime((nowMs - data.startedAt) / 1000);
  const whereShown = sanitizeForDisplay(where, { maxWidth: Math.max(10, width - 40) });
  return (
    <Box flexDirection="column" width={width}>
      <Box>
        <Text bold color={theme.accent}>snoopy-tui </Text>
        <Text wrap="truncate">{whereShown}</Text>
        <Text> </Text>
        <Text color={state.color} bold>
          [{state.text}]
        </Text>
        <Text color={theme.muted}> up {uptime}</Text>
        <FleetBadge fleet={data.fleet} nowMs={nowMs} theme={theme} room={width - stringWidth(`snoopy-tui ${whereShown} [${state.text}] up ${uptime}`)} />
      </Box>
      <Text wrap="truncate">
        <Text>{formatCount(data.packetRate)} pkt/s </Text>
        <Text>{formatBytes(data.byteRate)}/s </Text>
        <Text color={theme.muted}>pkts </Text>
        <Text>{formatCount(stats?.packets ?? 0)} </Text>
        <Text color={theme.muted}>drops </Text>
        {/* n/a: the source cannot tell (an unpatched capture binding); replays never drop. */}
        <Text color={stats && stats.dropped !== null && stats.dropped > 0 ? theme.warning : undefined}>{stats?.dropped === null || stats === null ? 'n/a' : formatCount(stats.dropped)} </Text>
        <Text color={theme.muted}>bad </Text>
        <Text color={stats && stats.malformed > 0 ? theme.warning : undefined}>{formatCount(stats?.malformed ?? 0)} </Text>
        <Text color={theme.muted}>alerts </Text>
        <Text color={theme.danger}>H{bySeverity.high} </Text>
        <Text color={theme.warning}>M{bySeverity.medium} </Text>
        <Text color={theme.info}>L{bySeverity.low} </Text>
        <Text color={theme.muted}>blocked </Text>
        <Text>{activeBlocks}</Text>
      </Text>
    </Box>
  );
}
