/**
 * Writes fixtures/crafted/crafted-malformed.pcap: every crafted malformed frame of
 * test/support/crafted-frames.ts, each followed by a good frame. Deterministic (fixed content,
 * fixed timestamps); run `node --import tsx scripts/make-crafted-pcaps.ts` after changing the
 * frames. test/integration/crafted-pcaps.test.ts fails when the committed file is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { craftedPcapBytes, CRAFTED_PCAP } from '../test/support/crafted-pcap.js';

mkdirSync(new URL('.', CRAFTED_PCAP), { recursive: true });
const bytes = craftedPcapBytes();
writeFileSync(CRAFTED_PCAP, bytes);
process.stdout.write(`${CRAFTED_PCAP.pathname}: ${bytes.length} bytes\n`);
