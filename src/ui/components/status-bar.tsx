import { Text } from 'ink';
import type { Theme } from '../theme.js';

const HINTS = '↑↓ move  b block  u unblock  / filter  Tab pane  p pause  s sort  ? help  q quit';

export function StatusBar({ notice, width, theme }: { notice: string | null; width: number; theme: Theme }) {
  return (
    <Text wrap="truncate" color={notice ? theme.warning : theme.muted}>
      {(notice ?? HINTS).slice(0, width)}
    </Text>
  );
}
