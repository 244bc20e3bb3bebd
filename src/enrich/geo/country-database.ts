import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseAddress } from '../../net/address.js';
import type { GeoLookupFn } from './geo-tagger.js';

/** geoip-lite's country tables: [start u32][end u32][cc 2] and [start 16 B][end 16 B][cc 2]. */
const V4_RECORD = 10;
const V6_RECORD = 34;

/**
 * Country-only lookups over geoip-lite's own country data files (14 MB), for the engine.
 * geoip-lite itself also loads its city tables (~146 MB more RSS) that the engine never uses:
 * alerts and flows carry the country only, and the --geolocate report (its own process) still
 * uses geoip-lite for region and city. Same data, same answers for the country; read
 * asynchronously, so loading does not stall the event loop the way geoip-lite's readSync does.
 * IPv6 ranges are compared on their upper 64 bits, as geoip-lite does.
 */
export async function loadCountryDatabase(dataDir: string = geoipLiteDataDir()): Promise<GeoLookupFn> {
  const [v4, v6] = await Promise.all([readFile(join(dataDir, 'geoip-country.dat')), readFile(join(dataDir, 'geoip-country6.dat'))]);
  if (v4.length % V4_RECORD !== 0 || v6.length % V6_RECORD !== 0) throw new Error(`geoip country data in ${dataDir} has an unexpected size`);
  const v4Count = v4.length / V4_RECORD;
  const v6Count = v6.length / V6_RECORD;
  return (ip) => {
    const w = parseAddress(ip);
    if (w === null) return null;
    if (w[0] === 0 && w[1] === 0 && w[2] === 0xffff) {
      const a = w[3];
      let lo = 0;
      let hi = v4Count - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const at = mid * V4_RECORD;
        if (a < v4.readUInt32BE(at)) hi = mid - 1;
        else if (a > v4.readUInt32BE(at + 4)) lo = mid + 1;
        else return countryOf(v4.toString('latin1', at + 8, at + 10));
      }
      return null;
    }
    const hi32 = w[0];
    const lo32 = w[1];
    const cmp = (at: number): number => {
      const a = v6.readUInt32BE(at);
      if (hi32 !== a) return hi32 < a ? -1 : 1;
      const b = v6.readUInt32BE(at + 4);
      return lo32 === b ? 0 : lo32 < b ? -1 : 1;
    };
    let lo = 0;
    let hi = v6Count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = mid * V6_RECORD;
      if (cmp(at) < 0) hi = mid - 1;
      else if (cmp(at + 16) > 0) lo = mid + 1;
      else return countryOf(v6.toString('latin1', at + 32, at + 34));
    }
    return null;
  };
}

/** Ranges without a country hold NULs: no answer, as geoip-lite's empty string means. */
function countryOf(code: string): { country: string } | null {
  const cc = code.replace(/\0.*/, '');
  return cc === '' ? null : { country: cc };
}

function geoipLiteDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('geoip-lite/package.json')), 'data');
}
