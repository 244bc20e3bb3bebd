import { Text } from 'ink';
import type { Alert } from '../../model/alert.js';
import { severityLabel } from '../panes/alert-rows.js';
import { severityTone, toneColor, type Theme } from '../theme.js';
import { sanitizeForDisplay } from '../../text/display-sanitizer.js';

export interface AlertStripProps {
  /** Unseen alerts, newest first. */
  unseen: readonly Alert[];
  unseenCount: number;
  total: number;
  /** What each alert's action shows now (a block since). */
  actionOf(alert: Alert): string;
  width: number;
  theme: Theme;
}

/**
 * One line on every pane with the newest alerts nobody has looked at yet: severity, type,
 * attacker and what was done, newest first, and how many there are. Viewing the Alerts pane
 * clears it.
 */
export function AlertStrip({ unseen, unseenCount, total, actionOf, width, theme }: AlertStripProps) {
  if (unseenCount === 0) {
    return (
      <Text wrap="truncate" color={theme.muted}>
        {total === 0 ? 'no alerts' : `no new alerts (${total} in all: 3 shows them)`}
      </Text>
    );
  }
  return (
    <Text wrap="truncate">
      <Text inverse bold color={theme.danger}>
        {` ${unseenCount} NEW `}
      </Text>
      {unseen.slice(0, 4).map((a, i) => (
        <Text key={a.id}>
          <Text color={theme.muted}>{i === 0 ? ' ' : ' | '}</Text>
          <Text bold color={toneColor(theme, severityTone(a.severity))}>
            {severityLabel(a.severity)} {a.attack_type}
          </Text>
          <Text> {sanitizeForDisplay(a.attacker_ip, { maxWidth: Math.max(8, Math.floor(width / 3)) })} </Text>
          <Text color={theme.muted}>{actionOf(a)}</Text>
        </Text>
      ))}
    </Text>
  );
}
