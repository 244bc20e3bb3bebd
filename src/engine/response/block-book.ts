import { parseAddress, formatAddress } from '../../net/address.js';

/** One active block as the UI and the history see it. */
export interface BlockRecord {
  address: string;
  reason: string;
  /** Wall-clock ms. */
  createdAt: number;
  expiresAt: number;
  /**
   * `dry_run` until a firewall backend applies it: replays always, and live runs until the
   * firewall backends land (DESIGN §3.1 --dry-run).
   */
  action: 'dry_run' | 'blocked';
}

/**
 * The blocks the engine was asked to make, with their expiry. Today it changes nothing in the
 * firewall (every block is a dry run); the response issue puts the firewall backends behind it.
 * Addresses are canonicalised so '::ffff:10.0.0.1' and '10.0.0.1' are one block.
 */
export class BlockBook {
  private readonly blocks = new Map<string, BlockRecord>();

  constructor(private readonly now: () => number = Date.now) {}

  block(address: string, durationSeconds: number, reason: string): BlockRecord {
    const canonical = canonicalAddress(address);
    if (canonical === null) throw new RangeError(`not an IP address: ${JSON.stringify(address)}`);
    if (!Number.isFinite(durationSeconds) || durationSeconds <= 0) throw new RangeError('block duration must be positive');
    const created = this.now();
    const record: BlockRecord = { address: canonical, reason, createdAt: created, expiresAt: created + durationSeconds * 1000, action: 'dry_run' };
    this.blocks.set(canonical, record);
    return record;
  }

  unblock(address: string): BlockRecord | null {
    const canonical = canonicalAddress(address);
    if (canonical === null) return null;
    const record = this.blocks.get(canonical) ?? null;
    this.blocks.delete(canonical);
    return record;
  }

  /** Active blocks; expired ones are dropped on the way. */
  active(): BlockRecord[] {
    const now = this.now();
    for (const [k, b] of this.blocks) if (b.expiresAt <= now) this.blocks.delete(k);
    return [...this.blocks.values()];
  }
}

export function canonicalAddress(text: string): string | null {
  const w = parseAddress(text.trim());
  return w === null ? null : formatAddress(...w);
}
