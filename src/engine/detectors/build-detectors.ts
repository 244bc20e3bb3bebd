import type { RunConfig } from '../../config/run-config.js';
import type { DetectorInputs } from './detector-descriptor.js';
import type { PacketDetector } from './detector.js';
import { isStreamListener, type StreamListener } from '../flows/streams/stream-listener.js';
import { DETECTOR_LIST } from './registry.js';

/** Detectors fed by other inputs than packets; ticked with the packet detectors. */
export interface TickedDetector {
  onTick(nowMicros: number): void;
}

/** The detectors of one run, by stage, and each instance by its registry name. */
export interface BuiltDetectors {
  readonly byName: ReadonlyMap<string, unknown>;
  /** Called for every decoded IP packet: those listed before the first flow-start detector run before that stage, the rest after it. */
  readonly packet: readonly PacketDetector[];
  /** How many of `packet` run before the flow-start stage (PORT_SCAN: slow scans read what it saw of this packet). */
  readonly packetBeforeFlowStart: number;
  /** Called for packets that open a flow, ICMP and untracked packets. */
  readonly flowStart: readonly PacketDetector[];
  /** Fed by the engine from the auth log and /proc samples. */
  readonly host: readonly unknown[];
  /** Fed by the stream layer only (requests, responses, login replies); no packets. */
  readonly stream: readonly unknown[];
  /** Every detector of any stage that listens to stream events, in registry order. */
  readonly streamListeners: readonly StreamListener[];
  /** Every detector with a clock of its own, in registry order: the order of their ticks. */
  readonly all: readonly TickedDetector[];
}

/** Builds every registered detector a run has inputs for, in registry order. */
export function buildDetectors(config: RunConfig, inputs: Omit<DetectorInputs, 'config' | 'built'>): BuiltDetectors {
  const byName = new Map<string, unknown>();
  const stages = { packet: [] as PacketDetector[], flowStart: [] as PacketDetector[], host: [] as unknown[], stream: [] as unknown[] };
  const streamListeners: StreamListener[] = [];
  let packetBeforeFlowStart = -1;
  const all: TickedDetector[] = [];
  const full: DetectorInputs = { ...inputs, config, built: (name) => byName.get(name) };
  for (const d of DETECTOR_LIST) {
    const instance = d.create(settingsOf(config, d.name, d.settings !== undefined), full);
    if (d.stage === 'flowStart' && packetBeforeFlowStart < 0) packetBeforeFlowStart = stages.packet.length;
    if (instance === null) continue;
    byName.set(d.name, instance);
    if (typeof (instance as Partial<TickedDetector>).onTick === 'function') all.push(instance as TickedDetector);
    (stages[d.stage] as unknown[]).push(instance);
    if (isStreamListener(instance)) streamListeners.push(instance);
  }
  return { byName, all, ...stages, streamListeners, packetBeforeFlowStart: packetBeforeFlowStart < 0 ? stages.packet.length : packetBeforeFlowStart };
}

/** What a reload did to the detectors. */
export interface DetectorReload {
  /** `thresholds.<name>` keys whose new values the running detectors took. */
  applied: string[];
  /** Settings that changed but apply only after a restart. */
  notApplied: string[];
}

/**
 * New settings for running detectors (SIGHUP): each one with a `reconfigure` takes its settings
 * and keeps its state; a changed setting of a detector without one needs a restart.
 */
export function reconfigureDetectors(built: BuiltDetectors, running: RunConfig, next: RunConfig): DetectorReload {
  const applied: string[] = [];
  const notApplied: string[] = [];
  for (const d of DETECTOR_LIST) {
    const configured = d.settings !== undefined;
    const changed = configured && JSON.stringify(settingsOf(running, d.name, true)) !== JSON.stringify(settingsOf(next, d.name, true));
    const instance = built.byName.get(d.name);
    if (instance === undefined) {
      // Not in this run (no auth log, no sampler): the new value is kept for nothing to use.
      continue;
    }
    if (d.reconfigure === undefined) {
      if (changed) notApplied.push(`thresholds.${d.name}`);
      continue;
    }
    const refused = d.reconfigure(instance, settingsOf(next, d.name, configured), next);
    notApplied.push(...refused);
    if (changed && refused.length === 0) applied.push(`thresholds.${d.name}`);
  }
  return { applied, notApplied };
}

function settingsOf(config: RunConfig, name: string, configured: boolean): unknown {
  return configured ? (config.thresholds as unknown as Record<string, unknown>)[name] : undefined;
}
