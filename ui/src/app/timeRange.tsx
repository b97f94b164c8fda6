// The global time range (a relative preset kept in the URL as ?range=) and the auto-refresh clock.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { TimeRange } from '../api/client';
import { DEFAULT_RANGE_KEY, findPreset, resolveRange } from '../lib/timeRange';

interface TimeRangeState {
  rangeKey: string;
  setRangeKey: (key: string) => void;
  range: TimeRange;
  refreshSec: number;
  setRefreshSec: (sec: number) => void;
  refresh: () => void;
}

const TimeRangeContext = createContext<TimeRangeState | null>(null);
const REFRESH_KEY = 'opa.refreshSec';

export function TimeRangeProvider({ children }: { children: ReactNode }) {
  const [params, setParams] = useSearchParams();
  const rangeKey = findPreset(params.get('range') ?? DEFAULT_RANGE_KEY).key;
  const [now, setNow] = useState(() => Date.now());
  const [refreshSec, setRefreshSecState] = useState(() => Number(localStorage.getItem(REFRESH_KEY) ?? 0) || 0);

  const refresh = useCallback(() => setNow(Date.now()), []);
  const setRangeKey = useCallback(
    (key: string) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (key === DEFAULT_RANGE_KEY) next.delete('range');
          else next.set('range', key);
          return next;
        },
        { replace: true },
      );
      setNow(Date.now());
    },
    [setParams],
  );
  const setRefreshSec = useCallback((sec: number) => {
    localStorage.setItem(REFRESH_KEY, String(sec));
    setRefreshSecState(sec);
  }, []);

  useEffect(() => {
    if (!refreshSec) return;
    const timer = setInterval(() => setNow(Date.now()), refreshSec * 1000);
    return () => clearInterval(timer);
  }, [refreshSec]);

  const range = useMemo(() => resolveRange(rangeKey, now), [rangeKey, now]);
  const value = useMemo(
    () => ({ rangeKey, setRangeKey, range, refreshSec, setRefreshSec, refresh }),
    [rangeKey, setRangeKey, range, refreshSec, setRefreshSec, refresh],
  );
  return <TimeRangeContext.Provider value={value}>{children}</TimeRangeContext.Provider>;
}

export function useTimeRange(): TimeRangeState {
  const state = useContext(TimeRangeContext);
  if (!state) throw new Error('useTimeRange outside TimeRangeProvider');
  return state;
}
