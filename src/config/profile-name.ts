/** Threshold sets: `high-security` reacts early and blocks, `balanced` (the default) asks, `development` only logs. */
export type ProfileName = 'high-security' | 'balanced' | 'development';

export const PROFILE_NAMES: readonly ProfileName[] = ['high-security', 'balanced', 'development'];
