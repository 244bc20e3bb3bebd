import type { AttackType } from '../../../model/alert.js';
import { compileLinear, type Matcher } from './linear-regex.js';
import { builtinPatternProblem } from './regex-safety.js';

/** The attack types found by payload signatures. */
export const PAYLOAD_ATTACK_TYPES = ['SQL_INJECTION', 'XSS', 'PATH_TRAVERSAL', 'COMMAND_INJECTION', 'SHELLSHOCK', 'LOG4SHELL', 'SCANNER_USER_AGENT'] as const;
export type PayloadAttackType = (typeof PAYLOAD_ATTACK_TYPES)[number] & AttackType;

export interface SignatureSpec {
  /** Shown in attack_details.matched. */
  name: string;
  /** Regex source; it runs on normalised text (lower case, one space for any whitespace run). */
  source: string;
  /** Why the pattern exists and what it takes care not to match. */
  reason: string;
}

export interface Signature {
  name: string;
  /** A V8 RegExp for the built-ins (checked by tests to be linear); RE2 for the config file's. */
  re: Matcher;
}

/**
 * Built-in patterns. Rules for every entry: no nested quantifiers (checked by a test), every
 * repetition bounded, and the input they see is normalised and at most 4,096 characters.
 */
export const BUILTIN_SIGNATURES: Readonly<Record<PayloadAttackType, readonly SignatureSpec[]>> = {
  SQL_INJECTION: [
    {
      name: 'sqli-quoted-tautology',
      source: String.raw`' ?\)? ?(?:or|and|\|\||&&) ?\(? ?'?[a-z0-9_]{1,24}'? ?(?:=|<>|!=|like) ?'?[a-z0-9_]{1,24}`,
      reason: "' or '1'='1, ') or (1=1: a quote closes the string, then a boolean that is always true. A lone apostrophe in a name (O'Brien) has no or/and + comparison after it.",
    },
    {
      name: 'sqli-numeric-tautology',
      source: String.raw`\b(?:or|and) ([0-9]{1,9}) ?= ?\1\b`,
      reason: 'id=1 or 1=1 on an unquoted numeric parameter; the back-reference demands the same number on both sides.',
    },
    {
      name: 'sqli-union-select',
      source: String.raw`\bunion(?: all| distinct)? ?\(? ?select\b`,
      reason: 'UNION-based extraction; inline comments (union/**/select) became spaces during normalisation.',
    },
    {
      name: 'sqli-time-delay',
      source: String.raw`\b(?:sleep|pg_sleep|benchmark) ?\( ?[0-9]|\bwaitfor delay '`,
      reason: 'Blind time-based probes: sleep(5), pg_sleep(5), benchmark(1000000,…), waitfor delay (MSSQL).',
    },
    {
      name: 'sqli-quote-comment',
      source: String.raw`' ?\)? ?(?:--|#|/\*)`,
      reason: "A quote followed by a comment cuts off the rest of the query: admin'-- . Needs the quote right before it.",
    },
    {
      name: 'sqli-stacked-query',
      source: String.raw`' ?\)? ?; ?(?:drop|insert|update|delete|select|exec|shutdown|declare)\b`,
      reason: "Stacked query after closing a string: '; drop table users.",
    },
    {
      name: 'sqli-information-schema',
      source: String.raw`\binformation_schema\b|\bsys\.(?:tables|objects|databases)\b|\bpg_catalog\b`,
      reason: 'Schema enumeration: no ordinary request mentions the catalog tables.',
    },
  ],
  XSS: [
    {
      name: 'xss-script-tag',
      source: String.raw`<script\b`,
      reason: 'A script element (entity-encoded &lt;script&gt; included, decoded during normalisation).',
    },
    {
      name: 'xss-javascript-uri',
      source: String.raw`\b(?:javascript|vbscript) ?:`,
      reason: 'javascript: URIs in href/src values.',
    },
    {
      name: 'xss-event-handler',
      source: String.raw`[ "'/<](?:on(?:error|load|mouseover|mouseenter|focus|blur|click|toggle|begin|animationstart|pointerover)) ?=`,
      reason: 'Event handler attributes (onerror=, onload=) after a space, quote or slash, as inside a tag; a query parameter named onload (&onload=1) does not match.',
    },
    {
      name: 'xss-svg-iframe',
      source: String.raw`<(?:svg|iframe|object|embed)\b`,
      reason: 'Elements that run script or load documents: <svg onload=…>, <iframe src=javascript:…>.',
    },
  ],
  PATH_TRAVERSAL: [
    {
      name: 'traversal-dot-dot',
      source: String.raw`(?:^|[/\\=?&:;]) ?\.\.[/\\]`,
      reason: "../ or ..\\ as a path step (also %2e%2e%2f, %252e…, overlong %c0%ae, all decoded before matching). A 'dots..' inside a word does not match.",
    },
    {
      name: 'traversal-sensitive-file',
      source: String.raw`/etc/(?:passwd|shadow|sudoers)\b|/proc/self/(?:environ|cmdline|fd)\b`,
      reason: 'Files every traversal exploit reads first on Linux.',
    },
    {
      name: 'traversal-windows-file',
      source: String.raw`\b(?:win|boot|system)\.ini\b|\bc: ?[/\\]windows[/\\]`,
      reason: 'Windows targets of traversal: win.ini, boot.ini, c:\\windows\\.',
    },
  ],
  COMMAND_INJECTION: [
    {
      name: 'cmd-separator-command',
      source: String.raw`(?:;|\|\||\||&&|` + '`' + String.raw`|\$\() ?(?:/usr)?(?:/s?bin/)?(?:cat|id|whoami|uname|wget|curl|nc|ncat|netcat|bash|sh|zsh|dash|python[0-9.]{0,4}|perl|ping|nslookup|ls|echo|rm|chmod|busybox)\b(?!=)`,
      reason: 'A shell separator (; | || && backtick $( ) followed by a common command; the command word must end there (|identity does not match) and not be a parameter name (;id=2 does not match).',
    },
    {
      name: 'cmd-reverse-shell',
      source: String.raw`/dev/(?:tcp|udp)/[0-9a-z]|\bnc(?:at)? [-a-z0-9 ]{0,24}-e ?/`,
      reason: 'Reverse shells: bash >& /dev/tcp/host/port, nc -e /bin/sh.',
    },
  ],
  SHELLSHOCK: [
    {
      name: 'shellshock-function-definition',
      source: String.raw`\(\) ?\{`,
      reason: 'CVE-2014-6271: a header value starting a bash function definition, () { :; }; (whitespace was collapsed, so "() {" covers its variants).',
    },
  ],
  LOG4SHELL: [
    {
      name: 'log4shell-jndi-lookup',
      source: String.raw`\$\{ ?jndi ?:`,
      reason: 'CVE-2021-44228: a JNDI lookup; obfuscations ${${lower:j}ndi:, ${${::-j}ndi:, ${env:X:-j} were unwrapped during normalisation.',
    },
  ],
  SCANNER_USER_AGENT: [
    ...['sqlmap', 'nikto', 'masscan', 'zgrab', 'gobuster', 'dirbuster', 'wpscan', 'nuclei', 'acunetix', 'nessus', 'openvas', 'wfuzz', 'ffuf', 'whatweb', 'arachni', 'netsparker', 'jaeles'].map(
      (tool): SignatureSpec => ({ name: `scanner-${tool}`, source: String.raw`\b${tool}\b`, reason: `${tool} announces itself in its default User-Agent.` }),
    ),
    ...['feroxbuster', 'w3af', 'commix', 'zmeu', 'morfeus'].map(
      (tool): SignatureSpec => ({ name: `scanner-${tool}`, source: String.raw`\b${tool}\b`, reason: `${tool} (a scanner or password guesser) names itself in its User-Agent.` }),
    ),
    {
      name: 'scanner-hydra',
      source: String.raw`\(hydra\)|\bthc-hydra\b`,
      reason: "THC Hydra's http modules send 'Mozilla/4.0 (Hydra)' (older and newer releases 'Mozilla/5.0 (Hydra)'); the word alone in a product name (Hydra Browser/2.0) does not match.",
    },
    {
      name: 'scanner-nmap-nse',
      source: String.raw`\bnmap scripting engine\b`,
      reason: "Nmap's http scripts send 'Mozilla/5.0 (compatible; Nmap Scripting Engine; …)'.",
    },
  ],
};

/**
 * Holds built-in patterns to the linear-time rule (regex-safety.ts), RE2's acceptance included.
 * The built-ins are constants: the tests run this on all of them, so a run never loads RE2 for it.
 */
export function checkBuiltinSources(sources: readonly { name: string; source: string }[]): void {
  for (const s of sources) {
    const problem = builtinPatternProblem(s.source, (src) => {
      try {
        compileLinear(src);
        return true;
      } catch {
        return false;
      }
    });
    if (problem !== null) throw new Error(`built-in pattern ${s.name} breaks the linear-time rule: ${problem}`);
  }
}

/** Compiles the built-ins plus extra regex sources from the config file, per type. */
export function compileSignatures(extra: Partial<Record<string, readonly string[]>> = {}): Record<PayloadAttackType, Signature[]> {
  const out = {} as Record<PayloadAttackType, Signature[]>;
  for (const type of PAYLOAD_ATTACK_TYPES) out[type] = BUILTIN_SIGNATURES[type].map((s) => ({ name: s.name, re: new RegExp(s.source) }));
  for (const [type, sources] of Object.entries(extra)) {
    if (sources === undefined) continue;
    if (!(PAYLOAD_ATTACK_TYPES as readonly string[]).includes(type)) {
      throw new RangeError(`payload signature patterns: unknown attack type ${JSON.stringify(type)} (one of ${PAYLOAD_ATTACK_TYPES.join(', ')})`);
    }
    if (!Array.isArray(sources)) throw new RangeError(`payload signature patterns for ${type}: expected a list of regular expressions`);
    sources.forEach((source, i) => {
      const label = `payload signature pattern ${type}[${i}] ${JSON.stringify(source)}`;
      if (typeof source !== 'string' || source === '') throw new RangeError(`${label}: expected a non-empty string`);
      if (source.length > 512) throw new RangeError(`${label}: longer than 512 characters`);
      // The config file's patterns run in a linear-time engine: none can freeze the engine.
      let re: Matcher;
      try {
        re = compileLinear(source);
      } catch (err) {
        throw new RangeError(`${label}: not a pattern the linear-time engine (RE2) accepts: ${(err as Error).message}`);
      }
      out[type as PayloadAttackType].push({ name: `config:${source.length > 60 ? `${source.slice(0, 60)}…` : source}`, re });
    });
  }
  return out;
}

/** The first signature of the list that matches, or null. */
export function firstMatch(sigs: readonly Signature[], text: string): Signature | null {
  for (const s of sigs) if (s.re.test(text)) return s;
  return null;
}
