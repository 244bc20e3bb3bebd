import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PcapngInterface } from '../../../src/engine/capture/file/pcapng-interface.js';

/** raw · unit in µs, exactly, as a decimal-free pair (integer µs, remainder / denominator). */
function exact(raw: bigint, tsresol: number, offsetSeconds: bigint): { whole: bigint; rem: bigint; den: bigint } {
  const n = BigInt(tsresol & 0x7f);
  const den = tsresol & 0x80 ? 1n << n : 10n ** n;
  const num = (raw + offsetSeconds * den) * 1_000_000n;
  return { whole: num / den, rem: num % den, den };
}

/** |value − exact| in µs, measured without rounding the exact side to a double first. */
function error(value: number, raw: bigint, tsresol: number, offsetSeconds: bigint): number {
  const { whole, rem, den } = exact(raw, tsresol, offsetSeconds);
  const intPart = Math.floor(value);
  const diffWhole = Number(BigInt(intPart) - whole); // small
  return Math.abs(diffWhole + (value - intPart) - Number(rem) / Number(den));
}

/** Half a unit in the last place of `x` — the best any double can do — plus a little slack. */
function halfUlp(x: number): number {
  const exp = Math.floor(Math.log2(Math.abs(x) || 1));
  return 2 ** (exp - 52) * 0.5 * 1.0001 + 1e-9;
}

describe('PcapngInterface.toMicros', () => {
  it('defaults to microseconds and is exact for every realistic date', () => {
    const i = new PcapngInterface(1, 0);
    const us = 1_763_764_552_608_123;
    assert.equal(i.toMicros(Math.floor(us / 2 ** 32), us % 2 ** 32), us);
  });

  for (const tsresol of [9, 0x80 | 30, 0x80 | 20, 12, 0x80 | 32, 7]) {
    it(`rounds once, to within half an ulp, for tsresol 0x${tsresol.toString(16)}`, () => {
      const n = tsresol & 0x7f;
      const unitsPerSecond = tsresol & 0x80 ? 2n ** BigInt(n) : 10n ** BigInt(n);
      fc.assert(
        fc.property(
          fc.bigInt({ min: 0n, max: 4_000_000_000n }), // seconds since the epoch (to 2096)
          fc.bigInt({ min: 0n, max: unitsPerSecond - 1n }),
          fc.constantFrom(0n, 3600n, -86_400n),
          (sec, sub, offset) => {
            const raw = sec * unitsPerSecond + sub;
            if (raw >= 1n << 64n) return;
            const high = Number(raw >> 32n);
            const low = Number(raw & 0xffffffffn);
            const value = new PcapngInterface(1, 0, tsresol, Number(offset)).toMicros(high, low);
            // The offset addition is a second rounding by design: allow one more half-ulp then.
            const allowed = halfUlp(value) * (offset === 0n ? 1 : 2) + (n > 9 ? halfUlp(value) : 0);
            assert.ok(error(value, raw, tsresol, offset) <= allowed, `raw ${raw}: ${value}`);
          },
        ),
        { numRuns: 500 },
      );
    });
  }
});
