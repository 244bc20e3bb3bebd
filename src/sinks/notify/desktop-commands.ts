/**
 * The argv of a desktop notification on each platform. Title and body arrive already cleaned by
 * cleanText (no control characters); what is left to do here is the quoting of each target
 * language, so that attacker text stays data. Every argv is run without a shell.
 */
import type { Severity } from '../../model/alert.js';

export interface DesktopMessage {
  title: string;
  body: string;
  severity: Severity;
}

export const NOTIFY_SEND = '/usr/bin/notify-send';
export const OSASCRIPT = '/usr/bin/osascript';
export const POWERSHELL = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';

/** The body markup of the Desktop Notifications spec (a subset of Pango markup), escaped. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** Linux (libnotify-bin). `--` ends the options, so a title starting with '-' is not one. */
export function notifySendArgv(m: DesktopMessage): string[] {
  const urgency = m.severity === 'critical' || m.severity === 'high' ? 'critical' : 'normal';
  // notify-send bodies are Pango markup to most notification servers: `<a href=…>`, `<img>`
  // from attacker text would be rendered, so the body's markup characters are escaped.
  return [NOTIFY_SEND, '--app-name=snoopy-tui', `--urgency=${urgency}`, '--', m.title, escapeMarkup(m.body)];
}

/**
 * An AppleScript string literal: inside "…" only backslash and double quote are special
 * (AppleScript Language Guide, "text"), so escaping those two keeps any text a literal.
 */
export function appleScriptString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** macOS: `osascript -e 'display notification "…" with title "…"'` (Notification Center). */
export function osascriptArgv(m: DesktopMessage): string[] {
  const sound = m.severity === 'critical' || m.severity === 'high' ? ' sound name "Basso"' : '';
  return [OSASCRIPT, '-e', `display notification ${appleScriptString(m.body)} with title ${appleScriptString(m.title)}${sound}`];
}

/**
 * A PowerShell single-quoted string: nothing is expanded inside; the quote itself is doubled.
 * PowerShell also takes the typographic quotes U+2018 U+2019 U+201A U+201B as single quotes,
 * so those are doubled too (otherwise ‘ would end the string).
 */
export function powerShellString(text: string): string {
  return `'${text.replace(/['\u2018\u2019\u201a\u201b]/g, '$&$&')}'`;
}

/** The AppUserModelID of Windows PowerShell: toasts from an unregistered id are not shown. */
const POWERSHELL_APP_ID = '{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\\WindowsPowerShell\\v1.0\\powershell.exe';

/** The toast script; texts become XML text nodes (CreateTextNode), never markup. */
export function windowsToastScript(m: DesktopMessage): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    '[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] | Out-Null',
    '$xml = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02)',
    "$texts = $xml.GetElementsByTagName('text')",
    `$texts.Item(0).AppendChild($xml.CreateTextNode(${powerShellString(m.title)})) | Out-Null`,
    `$texts.Item(1).AppendChild($xml.CreateTextNode(${powerShellString(m.body)})) | Out-Null`,
    `[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier(${powerShellString(POWERSHELL_APP_ID)}).Show([Windows.UI.Notifications.ToastNotification]::new($xml))`,
  ].join('\n');
}

/**
 * Windows: the script goes in -EncodedCommand (base64 of UTF-16LE), so Windows' command-line
 * re-parsing (CreateProcess quoting rules) never sees the text at all.
 */
export function powerShellToastArgv(m: DesktopMessage): string[] {
  const encoded = Buffer.from(windowsToastScript(m), 'utf16le').toString('base64');
  return [POWERSHELL, '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', encoded];
}

export function desktopArgv(platform: NodeJS.Platform, m: DesktopMessage): string[] | null {
  switch (platform) {
    case 'linux':
    case 'freebsd':
    case 'openbsd':
      return notifySendArgv(m);
    case 'darwin':
      return osascriptArgv(m);
    case 'win32':
      return powerShellToastArgv(m);
    default:
      return null;
  }
}
