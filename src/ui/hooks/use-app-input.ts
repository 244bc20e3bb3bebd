import { useInput } from 'ink';
import { useCallback, useRef, type MutableRefObject } from 'react';
import { keyEvents } from '../input/key-event.js';
import { routeKey, type Effect, type RouteEnv } from '../input/route-key.js';
import type { ViewAction, ViewState } from '../state/view-state.js';

/**
 * The one keyboard handler of the UI: every chunk Ink reads is split into keys, each routed
 * against the current state (a ref, not the last render) and applied before the next one, so
 * a burst of keys is handled as if typed slowly. Effects (block, unblock, feed filter, quit) run
 * after their key's state change.
 */
export function useAppInput(stateRef: MutableRefObject<ViewState>, dispatch: (action: ViewAction) => void, env: () => RouteEnv, runEffect: (effect: Effect) => void): void {
  // The latest callbacks, read at key time (the handler itself is attached once).
  const latest = useRef({ env, runEffect });
  latest.current = { env, runEffect };
  const handler = useCallback<Parameters<typeof useInput>[0]>(
    (input, key) => {
      for (const ev of keyEvents(input, key)) {
        const routed = routeKey(stateRef.current, ev, latest.current.env());
        for (const action of routed.actions) dispatch(action);
        for (const effect of routed.effects) latest.current.runEffect(effect);
      }
    },
    [stateRef, dispatch],
  );
  useInput(handler);
}
