import { useCallback, useRef, useState, type MutableRefObject } from 'react';
import { viewReducer, type ViewAction, type ViewState } from '../state/view-state.js';

/**
 * The view reducer with its current state in a ref as well: keys that arrive faster than frames
 * are each applied to the state the previous key left, not to the state last drawn (which would
 * lose the first of `a`, `b` typed in one burst, or a `y` right after the `b` that opens the
 * block prompt).
 */
export function useViewState(initial: () => ViewState): [ViewState, (action: ViewAction) => void, MutableRefObject<ViewState>] {
  const [state, setState] = useState(initial);
  const ref = useRef(state);
  const dispatch = useCallback((action: ViewAction) => {
    const next = viewReducer(ref.current, action);
    if (next === ref.current) return;
    ref.current = next;
    setState(next);
  }, []);
  return [state, dispatch, ref];
}
