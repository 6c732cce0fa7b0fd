import { useEffect, useState } from 'preact/hooks';

import { session, type SessionState } from './api/session';

export function useSessionState(): SessionState {
  const [state, setState] = useState(session.state);
  useEffect(() => {
    setState(session.state);
    return session.subscribe(() => setState(session.state));
  }, []);
  return state;
}
