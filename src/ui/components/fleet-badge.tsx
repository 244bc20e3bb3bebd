import { Text } from 'ink';
import stringWidth from 'string-width';
import type { FleetStatus } from '../../engine/protocol.js';
import type { Theme } from '../theme.js';
import { sanitizeForDisplay } from '../../text/display-sanitizer.js';

/** 5s, 3m, 2h: short, the header line is narrow. */
function age(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 3600)}h`;
}

/** The fleet's state in a few words: connected or down, decisions known, last pull, queued pushes. */
export function fleetSummary(f: FleetStatus, nowMs: number): { text: string; tone: 'ok' | 'warning' } {
  const parts = [f.connected ? 'fleet ok' : f.lastPullAt === null && f.lastPushAt === null ? 'fleet connecting' : 'fleet DOWN'];
  if (f.roles.pull) {
    parts.push(`${f.decisions} ban${f.decisions === 1 ? '' : 's'}`);
    parts.push(f.lastPullAt === null ? 'no pull yet' : `pulled ${age((nowMs - f.lastPullAt) / 1000)} ago`);
  }
  if (f.roles.push && f.pushQueued > 0) parts.push(`${f.pushQueued} to push`);
  return { text: parts.join(' · '), tone: f.connected ? 'ok' : 'warning' };
}

/** Columns the badge wants (0 without a fleet). */
export function fleetBadgeWidth(fleet: FleetStatus | null, nowMs: number): number {
  return fleet === null ? 0 : stringWidth(` [${fleetSummary(fleet, nowMs).text}]`);
}

/**
 * Header badge for a run that shares blocks through a CrowdSec Local API; nothing without one.
 * `room`: the columns left on the header's line (the badge is cut to fit, never wraps it).
 */
export function FleetBadge({ fleet, nowMs, theme, room }: { fleet: FleetStatus | null; nowMs: number; theme: Theme; room: number }) {
  if (fleet === null || room < 8) return null;
  const { text, tone } = fleetSummary(fleet, nowMs);
  return (
    <Text color={tone === 'ok' ? theme.ok : theme.warning}>{sanitizeForDisplay(` [${text}]`, { maxWidth: room })}</Text>
  );
}
