import type { AttackType } from '../model/alert.js';
import type { ProfileName } from '../config/profiles.js';
import type { ResponseAction } from '../model/response-action.js';


/**
 * Attacks with no remote address to block (they come from logs of local activity or local
 * processes), or where the "attacker" is usually an innocent party: a DDoS's sources are
 * mostly spoofed, a reflection's sources are abused servers, and an exfiltration's address is
 * where our data went (worth a look, not a reflex).
 */
const NEVER_AUTOMATIC: ReadonlySet<AttackType> = new Set(['DDOS', 'REFLECTION', 'SUSPICIOUS_COMMAND', 'SUSPICIOUS_PROCESS', 'DATA_EXFILTRATION']);
const NOTHING_TO_BLOCK: ReadonlySet<AttackType> = new Set(['SUSPICIOUS_COMMAND', 'SUSPICIOUS_PROCESS']);

/** Per profile: high-security blocks, balanced asks, development only logs. */
export function defaultResponse(profile: ProfileName, attackType: AttackType): ResponseAction {
  if (NOTHING_TO_BLOCK.has(attackType)) return 'log';
  switch (profile) {
    case 'high-security':
      return NEVER_AUTOMATIC.has(attackType) ? 'prompt' : 'block';
    case 'balanced':
      return 'prompt';
    case 'development':
      return 'log';
  }
}

export interface ResponsePolicyOptions {
  profile: ProfileName;
  /** --auto-block (true) / --no-auto-block (false) / profile default (null). */
  autoBlock: boolean | null;
  /** Config `response`: per attack type overrides. */
  overrides: Partial<Record<AttackType, ResponseAction>>;
}

/**
 * Resolves the action for an attack type: config override, else the profile's default, then
 * --auto-block turns `prompt` into `block` and --no-auto-block turns `block` into `prompt`.
 * Attack types with nothing to block stay `log` whatever the flags say.
 */
export class ResponsePolicy {
  constructor(private readonly options: ResponsePolicyOptions) {}

  actionFor(attackType: AttackType): ResponseAction {
    if (NOTHING_TO_BLOCK.has(attackType)) return 'log';
    const base = this.options.overrides[attackType] ?? defaultResponse(this.options.profile, attackType);
    const auto = this.options.autoBlock;
    if (auto === true && base === 'prompt' && !NEVER_AUTOMATIC.has(attackType)) return 'block';
    if (auto === false && base === 'block') return 'prompt';
    return base;
  }
}
