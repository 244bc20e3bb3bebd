/** What the policy says to do about an alert: record it, ask the person, or block the attacker. */
export type ResponseAction = 'log' | 'prompt' | 'block';

export const RESPONSE_ACTIONS: readonly ResponseAction[] = ['log', 'prompt', 'block'];
