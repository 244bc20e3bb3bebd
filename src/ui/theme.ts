/**
 * Semantic colour tokens: components ask for "danger" or "muted", never for "red", so NO_COLOR
 * and future themes change one file. Ink's Text takes these as `color` values.
 */
export interface Theme {
  enabled: boolean;
  accent: string | undefined;
  muted: string | undefined;
  danger: string | undefined;
  warning: string | undefined;
  ok: string | undefined;
  info: string | undefined;
  highlightBg: string | undefined;
  highlightFg: string | undefined;
}

const COLOUR: Theme = {
  enabled: true,
  accent: 'cyan',
  muted: 'gray',
  danger: 'red',
  warning: 'yellow',
  ok: 'green',
  info: 'blue',
  highlightBg: 'blue',
  highlightFg: 'white',
};

const MONO: Theme = {
  enabled: false,
  accent: undefined,
  muted: undefined,
  danger: undefined,
  warning: undefined,
  ok: undefined,
  info: undefined,
  highlightBg: undefined,
  highlightFg: undefined,
};

/** https://no-color.org: any non-empty NO_COLOR disables colour. The highlight then uses inverse video. */
export function themeFromEnv(env: NodeJS.ProcessEnv = process.env): Theme {
  return env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '' ? MONO : COLOUR;
}

export function severityColor(theme: Theme, severity: string): string | undefined {
  switch (severity) {
    case 'critical':
    case 'high':
      return theme.danger;
    case 'medium':
      return theme.warning;
    default:
      return theme.info;
  }
}
