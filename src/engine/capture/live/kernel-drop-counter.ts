/**
 * Turns libpcap's kernel drop counter (an unsigned 32-bit value that wraps) into a running
 * total. On Linux, pcap_stats() reads PACKET_STATISTICS, which the kernel resets on every read;
 * libpcap adds the readings up in a u_int, so only the wrap needs handling here.
 */
export class KernelDropCounter {
  /** Null until the first reading: unknown, not zero. */
  total: number | null = null;
  private last = 0;

  sample(raw: number): void {
    const value = raw >>> 0;
    if (this.total === null) {
      this.total = value;
    } else {
      this.total += (value - this.last + 0x1_0000_0000) % 0x1_0000_0000;
    }
    this.last = value;
  }
}
