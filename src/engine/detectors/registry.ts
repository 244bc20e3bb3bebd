/**
 * Every detector of a run, in the order they are built and fed. Adding a detector is its file
 * (the detector and its descriptor) and one line here: profiles, config validation,
 * construction and SIGHUP reload all read this list.
 */
import type { ProfileName } from '../../config/profile-name.js';
import type { Schema } from '../../config/checkers.js';
import type { DetectorDescriptor } from './detector-descriptor.js';
import { portScanDescriptor } from './port-scan-detector.js';
import { distributedScanDescriptor } from './distributed-scan-detector.js';
import { hostSweepDescriptor } from './host-sweep-detector.js';
import { slowScanDescriptor } from './slow-scan-detector.js';
import { osFingerprintDescriptor } from './os-fingerprint-detector.js';
import { ipProtocolScanDescriptor } from './ip-protocol-scan-detector.js';
import { floodDescriptor } from './flood-detector.js';
import { fragmentAnomalyDescriptor } from './fragment-anomaly-detector.js';
import { bruteForceDescriptor } from './brute-force-detector.js';
import { payloadSignatureDescriptor } from './payload-signature-detector.js';
import { httpBruteForceDescriptor } from './http-brute-force-detector.js';
import { exfiltrationDescriptor } from './exfiltration-detector.js';
import { suspiciousPortDescriptor } from './suspicious-port-detector.js';
import { maliciousIpDescriptor } from './malicious-ip-detector.js';
import { authBruteForceDescriptor } from './auth-log/auth-brute-force-detector.js';
import { suspiciousCommandDescriptor } from './auth-log/suspicious-command-detector.js';
import { suspiciousProcessDescriptor } from './host/suspicious-process-detector.js';

export const DETECTORS = [
  // PORT_SCAN first: the slow scan detector reads its pairs.
  portScanDescriptor,
  distributedScanDescriptor,
  hostSweepDescriptor,
  slowScanDescriptor,
  osFingerprintDescriptor,
  ipProtocolScanDescriptor,
  floodDescriptor,
  fragmentAnomalyDescriptor,
  bruteForceDescriptor,
  payloadSignatureDescriptor,
  httpBruteForceDescriptor,
  exfiltrationDescriptor,
  suspiciousPortDescriptor,
  maliciousIpDescriptor,
  authBruteForceDescriptor,
  suspiciousCommandDescriptor,
  suspiciousProcessDescriptor,
] as const;

type AnyDescriptor = (typeof DETECTORS)[number];
type Configured = Extract<AnyDescriptor, { readonly settings: object }>;

/** The settings of every configurable detector, by its key under `thresholds`. */
export type DetectionThresholds = { [D in Configured as D['name']]: D extends DetectorDescriptor<string, infer S, unknown> ? S : never };

/** The descriptors as the generic code walks them. */
export const DETECTOR_LIST: readonly DetectorDescriptor<string, unknown, unknown>[] = DETECTORS as unknown as readonly DetectorDescriptor<string, unknown, unknown>[];

/** A profile's thresholds, a fresh copy. */
export function profileThresholds(profile: ProfileName): DetectionThresholds {
  const out: Record<string, unknown> = {};
  for (const d of DETECTOR_LIST) if (d.settings !== undefined) out[d.name] = structuredClone(d.settings.defaults[profile]);
  return out as DetectionThresholds;
}

/** The config file's `thresholds` schema: one entry per configurable detector. */
export function thresholdsSchema(): Schema {
  const out: Record<string, Schema> = {};
  for (const d of DETECTOR_LIST) if (d.settings !== undefined) out[d.name] = d.settings.schema;
  return out;
}
