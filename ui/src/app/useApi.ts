// Loads data through the API client for a view; reports a 401 to the auth shell.
import { useEffect, useRef, useState, type DependencyList } from 'react';
import { ApiError } from '../api/client';
import { useAuth } from './auth';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  notFound: boolean;
}

/**
 * Runs `load` whenever `deps` change (and after a token is entered). Keeps the previous data while
 * reloading so auto refresh does not flicker; answers of superseded requests are ignored.
 */
export function useApi<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const { requireToken, version } = useAuth();
  const [state, setState] = useState<Loaded<T>>({ data: undefined, error: undefined, loading: true, notFound: false });
  const generation = useRef(0);

  useEffect(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => {
        if (mine === generation.current) setState({ data, error: undefined, loading: false, notFound: false });
      },
      (err: unknown) => {
        if (mine !== generation.current) return;
        if (err instanceof ApiError && err.unauthorized) requireToken();
        const notFound = err instanceof ApiError && err.status === 404;
        setState((s) => ({ data: notFound ? undefined : s.data, error: message(err), loading: false, notFound }));
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, version]);

  return state;
}

function message(err: unknown): string {
  if (err instanceof ApiError) return err.unauthorized ? 'An API token is required.' : err.message;
  if (err instanceof Error) return `Cannot reach the agent: ${err.message}`;
  return String(err);
}
