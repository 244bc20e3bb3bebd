import type { FragmentAnomalyListener } from '../decode/fragment-anomaly.js';
import type { Packet } from '../decode/packet.js';

/**
 * A detector that also wants IP fragments as they arrive, before reassembly (the reassembled
 * datagram reaches every detector as an ordinary packet): fragment floods are counted here. The
 * packet has addresses, protocol and fragment fields, no transport header.
 */
export interface FragmentObserver {
  onFragment(pkt: Packet): void;
}

export function isFragmentObserver<T>(d: T): d is T & FragmentObserver {
  return typeof (d as Partial<FragmentObserver>).onFragment === 'function';
}

export function isFragmentAnomalyListener<T>(d: T): d is T & FragmentAnomalyListener {
  return typeof (d as Partial<FragmentAnomalyListener>).onFragmentAnomaly === 'function';
}
