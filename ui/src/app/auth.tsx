// Remembers that the API asked for a token (401) so the shell can ask the user once.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { setToken } from '../api/client';

interface AuthState {
  tokenRequired: boolean;
  /** Called by data hooks on a 401. */
  requireToken: () => void;
  /** Stores the token and bumps `version` so every view reloads. */
  submitToken: (token: string) => void;
  version: number;
}

const AuthContext = createContext<AuthState>({
  tokenRequired: false,
  requireToken: () => {},
  submitToken: () => {},
  version: 0,
});

export function AuthProvider({ children }: { children: ReactNode }) {
  const [tokenRequired, setRequired] = useState(false);
  const [version, setVersion] = useState(0);
  const requireToken = useCallback(() => setRequired(true), []);
  const submitToken = useCallback((token: string) => {
    setToken(token.trim() || null);
    setRequired(false);
    setVersion((v) => v + 1);
  }, []);
  const value = useMemo(
    () => ({ tokenRequired, requireToken, submitToken, version }),
    [tokenRequired, requireToken, submitToken, version],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  return useContext(AuthContext);
}
