import { Box, Text } from 'ink';
import type { Theme } from '../theme.js';
import type { EngineData } from '../store/engine-data-store.js';
import { formatBytes, formatCount, formatUptime } from '../format.js';
import { sanitizeForDisplay } from '../../text/display-sanitizer.js';
import { FleetBadge, fleetBadgeWidth } from './fleet-badge.js';
import stringWidth from 'string-width';

export interface HeaderProps {
  data: EngineData;
  paused: boolean;
  /** The UI's own SSH session is shown in the feed and rates. */
  showOwn: boolean;
  /** The zone times are written in (UTC with --utc). */
  zone: string;
  width: number;
  theme: Theme;
  nowMs: number;
}

function stateOf(data: EngineData, paused: boolean, theme: Theme): { text: string; color: string | undefined } {
  const kind = data.source?.kind;
  if (data.status === 'fatal') return { text: 'ERROR', color: theme.danger };
  if (data.status === 'ended') {
    if (data.endReason === 'error') return { text: 'replay ended: damaged file', color: theme.warning };
    return { text: kind === 'file' ? 'end of replay' : 'capture stopped', color: theme.warning };
  }
  if (paused) return { text: 'PAUSED', color: theme.warning };
  if (kind === 'review') return { text: 'review: no capture', color: theme.info };
  return { text: data.status === 'running' ? 'running' : 'starting', color: theme.ok };
}

/** Two lines: what is watched, in which state and zone; then rates and counters (or, in a review, what the file holds). */
export function Header({ data, paused, showOwn, zone, width, theme, nowMs }: HeaderProps) {
  const source = data.source;
  const label = source === null ? 'starting…' : source.kind === 'live' ? 'LIVE' : source.kind === 'file' ? 'REPLAY' : 'REVIEW';
  const state = stateOf(data, paused, theme);
  const uptime = formatUptime((nowMs - data.startedAt) / 1000);
  const fixed = 12 + label.length + state.text.length + 4 + uptime.length + 4 + zone.length + 2;
  // The fleet badge takes what the watched source leaves, and at least a third of the line when both are long.
  const sourceWidth = source === null ? 0 : stringWidth(source.description);
  const badgeRoom = Math.min(fleetBadgeWidth(data.fleet, nowMs), Math.max(width - fixed - sourceWidth, Math.floor(width / 3)), Math.max(0, width - fixed - 8));
  const where = source === null ? '' : sanitizeForDisplay(source.description, { maxWidth: Math.max(8, width - fixed - badgeRoom) });
  const activeBlocks = data.blocks.filter((b) => b.expiresAt > nowMs).length;
  const stats = data.stats;
  const own = data.feedState?.own;
  const warnings = [
    stats?.history_write_errors ? `HISTORY WRITE FAILED ×${stats.history_write_errors}` : '',
    stats?.self_protection ? 'NO AUTO-BLOCK: SSH sessions unknown' : '',
  ].filter((w) => w !== '');
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold color={theme.accent}>snoopy-tui </Text>
        <Text bold>{label}</Text>
        <Text> {where} </Text>
        <Text color={state.color} bold>
          [{state.text}]
        </Text>
        <Text color={theme.muted}> up {uptime}  {zone}</Text>
        <FleetBadge fleet={data.fleet} nowMs={nowMs} theme={theme} room={badgeRoom} />
      </Text>
      {source?.kind === 'review' ? (
        <Text wrap="truncate">
          <Text>{formatCount(data.alerts.length)} alerts </Text>
          <Text color={theme.muted}>in the file, </Text>
          <Text color={activeBlocks > 0 ? theme.danger : undefined}>{activeBlocks} blocked </Text>
          <Text color={theme.muted}>now (u lifts a block; needs root)</Text>
        </Text>
      ) : (
        <Text wrap="truncate">
          {/* First on the line so a narrow terminal never cuts them: the admin must see these. */}
          {warnings.length > 0 ? <Text color={theme.danger} bold>{warnings.join(' ')} </Text> : null}
          <Text>{formatCount(data.packetRate)} pkt/s </Text>
          <Text>{formatBytes(data.byteRate)}/s </Text>
          <Text color={theme.muted}>pkts </Text>
          <Text>{formatCount(stats?.packets ?? 0)} </Text>
          <Text color={theme.muted}>drops </Text>
          {/* n/a: the source cannot tell (an unpatched capture binding); replays never drop. */}
          <Text color={stats && stats.dropped !== null && stats.dropped > 0 ? theme.warning : undefined}>{stats?.dropped === null || stats === null ? 'n/a' : formatCount(stats.dropped)} </Text>
          <Text color={theme.muted}>bad </Text>
          <Text color={stats && stats.malformed > 0 ? theme.warning : undefined}>{formatCount(stats?.malformed ?? 0)} </Text>
          <Text color={theme.muted}>blocked </Text>
          <Text color={activeBlocks > 0 ? theme.danger : undefined}>{activeBlocks}</Text>
          {own !== undefined && own.sessions.length > 0 ? <Text color={theme.muted}>{showOwn ? '  own SSH shown (o hides)' : '  own SSH hidden (o shows)'}</Text> : null}
        </Text>
      )}
    </Box>
  );
}
