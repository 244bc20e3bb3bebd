import { Text } from 'ink';
import type { FleetStatus } from '../../engine/protocol.js';
import { formatUptime } from '../format.js';
import type { Theme } from '../theme.js';

/** The fleet's state in a few words: connected or down, decisions known, last pull, queued pushes. */
export function fleetSummary(f: FleetStatus, nowMs: number): { text: string; tone: 'ok' | 'warning' } {
  const parts = [f.connected ? 'fleet ok' : f.lastPullAt === null && f.lastPushAt === null ? 'fleet connecting' : 'fleet DOWN'];
  if (f.roles.pull) {
    parts.push(`${f.decisions} decision${f.decisions === 1 ? '' : 's'}`);
    parts.push(f.lastPullAt === null ? 'no pull yet' : `pulled ${formatUptime(Math.max(0, (nowMs - f.lastPullAt) / 1000))} ago`);
  }
  if (f.roles.push && f.pushQueued > 0) parts.push(`${f.pushQueued} to push`);
  return { text: parts.join(' · '), tone: f.connected ? 'ok' : 'warning' };
}

/** Header badge for a run that shares blocks through a CrowdSec Local API; nothing without one. */
export function FleetBadge({ fleet, nowMs, theme }: { fleet: FleetStatus | null; nowMs: number; theme: Theme }) {
  if (fleet === null) return null;
  const { text, tone } = fleetSummary(fleet, nowMs);
  return (
    <Text wrap="truncate" color={tone === 'ok' ? theme.ok : theme.warning}>
      {' '}
      [{text}]
    </Text>
  );
}
