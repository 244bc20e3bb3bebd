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
  return toneColor(theme, severityTone(severity));
}

/** What a row or a word means, coloured by the theme (see the help's legend). */
export type Tone = 'danger' | 'warning' | 'ok' | 'muted' | 'info' | null;

export function toneColor(theme: Theme, tone: Tone): string | undefined {
  switch (tone) {
    case 'danger':
      return theme.danger;
    case 'warning':
      return theme.warning;
    case 'ok':
      return theme.ok;
    case 'muted':
      return theme.muted;
    case 'info':
      return theme.info;
    default:
      return undefined;
  }
}

export function severityTone(severity: string): Tone {
  return severity === 'critical' || severity === 'high' ? 'danger' : severity === 'medium' ? 'warning' : 'info';
}
