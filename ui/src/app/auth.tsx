// Remembers that the API asked for a token (401) so the shell can ask the user once; also the tenant
// every request is scoped to. Changing either bumps `version`, which reloads every view.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { getTenant, setTenant, setToken, type Tenant } from '../api/client';

interface AuthState {
  tokenRequired: boolean;
  /** Called by data hooks on a 401. */
  requireToken: () => void;
  /** Stores the token and bumps `version` so every view reloads. */
  submitToken: (token: string) => void;
  tenant: Tenant;
  changeTenant: (tenant: Tenant) => void;
  version: number;
}

const AuthContext = createContext<AuthState>({
  tokenRequired: false,
  requireToken: () => {},
  submitToken: () => {},
  tenant: getTenant(),
  changeTenant: () => {},
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
  const [tenant, setTenantState] = useState(getTenant);
  const changeTenant = useCallback((next: Tenant) => {
    setTenant({ org: next.org.trim(), project: next.project.trim() });
    setTenantState(getTenant());
    setVersion((v) => v + 1);
  }, []);
  const value = useMemo(
    () => ({ tokenRequired, requireToken, submitToken, tenant, changeTenant, version }),
    [tokenRequired, requireToken, submitToken, tenant, changeTenant, version],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  return useContext(AuthContext);
}
