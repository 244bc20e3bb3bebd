import { buildPcap } from '../unit/capture/capture-builder.js';
import { craftedSequence } from './crafted-frames.js';

export const CRAFTED_PCAP = new URL('../../fixtures/crafted/crafted-malformed.pcap', import.meta.url);

/** The crafted sequence as a little-endian microsecond pcap, one record a millisecond. */
export function craftedPcapBytes(): Buffer {
  const records = craftedSequence().map((r, i) => ({ sec: 1_800_000_000, frac: i * 1000, data: r.frame }));
  return buildPcap({ le: true }, records).bytes;
}
