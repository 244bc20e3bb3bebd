/**
 * Profiles: threshold sets plus whether detections block without asking. `high-security` reacts
 * early and blocks, `balanced` (the default) asks, `development` only logs. Each detector keeps
 * its own defaults per profile in its descriptor (src/engine/detectors/registry.ts); every value
 * can be overridden from the config file.
 */
import { profileThresholds, type DetectionThresholds } from '../engine/detectors/registry.js';
import { PROFILE_NAMES, type ProfileName } from './profile-name.js';

export { PROFILE_NAMES, type ProfileName, type DetectionThresholds };

export interface Profile {
  name: ProfileName;
  /** Whether detections block without asking (`--auto-block`). */
  autoBlock: boolean;
  thresholds: DetectionThresholds;
}

const AUTO_BLOCK: Record<ProfileName, boolean> = { 'high-security': true, balanced: false, development: false };

/** A profile with a fresh copy of its thresholds. */
export function profile(name: ProfileName): Profile {
  return { name, autoBlock: AUTO_BLOCK[name], thresholds: profileThresholds(name) };
}

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  'high-security': profile('high-security'),
  balanced: profile('balanced'),
  development: profile('development'),
};
