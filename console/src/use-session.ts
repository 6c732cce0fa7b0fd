import { useEffect, useState } from 'preact/hooks';

import type { Me } from './api/models';
import { session, type SessionState } from './api/session';

export function useSessionState(): SessionState {
  const [state, setState] = useState(session.state);
  useEffect(() => {
    setState(session.state);
    return session.subscribe(() => setState(session.state));
  }, []);
  return state;
}

/** The signed-in user; only rendered inside the signed-in shell. */
export function useUser(): Me {
  const state = useSessionState();
  if (state.kind !== 'signed-in') throw new Error('useUser outside a signed-in screen');
  return state.user;
}
