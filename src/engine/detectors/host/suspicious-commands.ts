import { compileLinear, type Matcher } from '../signatures/linear-regex.js';

/** One named pattern of a command line worth an alert. */
export interface CommandPattern {
  name: string;
  /** V8 RegExp for the built-ins (checked by tests to be linear); RE2 for the config file's. */
  regex: Matcher;
}

/**
 * Seed 001's list (rm -rf, chmod 777, wget/curl, nc/netcat, base64-encoded and PowerShell
 * encoded commands), made specific enough to name what was done: a plain `wget URL` or `nc host
 * port` is everyday work, piping a download into a shell or giving netcat a program to run is not.
 * No pattern nests quantifiers (a test checks), and inputs are cut to MAX_COMMAND_CHARS.
 */
export const BUILTIN_COMMAND_PATTERNS: readonly CommandPattern[] = [
  { name: 'rm_rf', regex: /\brm\s+-[a-z]*(?:r[a-z]*f|f[a-z]*r)[a-z]*\s+(?:--no-preserve-root\s+)?(?:\/|~|\*|\/\*)(?:\s|$)/i },
  { name: 'chmod_777', regex: /\bchmod\s+(?:-[a-z]+\s+)?0?777\b/i },
  { name: 'chmod_setuid', regex: /\bchmod\s+(?:-[a-z]+\s+)?(?:[ugoa]*\+s\b|[2467][0-7]{3}\b)/i },
  { name: 'download_piped_to_shell', regex: /\b(?:wget|curl|fetch)\b[^|;&]*\|\s*(?:sudo\s+)?(?:\/\S*\/)?(?:ba|da|z|k|c)?sh\b/i },
  { name: 'netcat_exec', regex: /\b(?:nc|ncat|netcat)(?:\.\S+)?\s[^|;&]*-(?:[a-z]*e|c)\s/i },
  { name: 'reverse_shell_dev_tcp', regex: /\/dev\/(?:tcp|udp)\/[^/\s]+\/\d+/i },
  { name: 'base64_piped_to_shell', regex: /\bbase64\s+(?:-d|--decode|-D)\b[^;&]*\|\s*(?:sudo\s+)?(?:\/\S*\/)?(?:ba|da|z|k)?sh\b/i },
  { name: 'powershell_encoded', regex: /\b(?:powershell|pwsh)(?:\.exe)?\s.*-(?:e|ec|enc|enco|encod|encode|encoded|encodedc|encodedcommand)\s+[a-z0-9+/=]{8}/i },
  { name: 'python_socket', regex: /\bpython[0-9.]*\s+-c\s.*\bsocket\b/i },
  { name: 'perl_socket', regex: /\bperl\s+-e\s.*\bsocket\b/i },
  { name: 'mkfifo_netcat', regex: /\bmkfifo\b.*\b(?:nc|ncat|netcat|openssl)\b/i },
  { name: 'socat_exec', regex: /\bsocat\b.*\bexec:/i },
];

/** Longer command lines are matched on their first this-many characters. */
export const MAX_COMMAND_CHARS = 4096;

/**
 * Compiles the config file's extra patterns (key `suspiciousCommands`, case-insensitive).
 * Throws one line naming the first bad pattern: invalid syntax or nested quantifiers.
 */

export function compileCommandPatterns(extra: readonly string[]): CommandPattern[] {
  const out: CommandPattern[] = [...BUILTIN_COMMAND_PATTERNS];
  extra.forEach((source, i) => {
    // Run in a linear-time engine (RE2): no pattern can freeze the engine.
    let regex: Matcher;
    try {
      regex = compileLinear(source);
    } catch (e) {
      throw new Error(`pattern ${i + 1} (${JSON.stringify(source)}) is not a pattern the linear-time engine (RE2) accepts: ${(e as Error).message}`);
    }
    out.push({ name: `custom_${i + 1}`, regex });
  });
  return out;
}

/** The first pattern the command matches, or null. */
export function matchCommand(patterns: readonly CommandPattern[], command: string): CommandPattern | null {
  const text = command.length > MAX_COMMAND_CHARS ? command.slice(0, MAX_COMMAND_CHARS) : command;
  for (const p of patterns) if (p.regex.test(text)) return p;
  return null;
}
