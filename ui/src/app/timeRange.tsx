// The global time range (a preset or an absolute window, kept in the URL) and the auto-refresh clock.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { TimeRange } from '../api/client';
import { CUSTOM_RANGE_KEY, DEFAULT_RANGE_KEY, customRange, findPreset, resolveRange } from '../lib/timeRange';

interface TimeRangeState {
  /** A preset key, or "custom" for an absolute window. */
  rangeKey: string;
  setRangeKey: (key: string) => void;
  setCustomRange: (range: TimeRange) => void;
  range: TimeRange;
  refreshSec: number;
  setRefreshSec: (sec: number) => void;
  refresh: () => void;
}

const TimeRangeContext = createContext<TimeRangeState | null>(null);
const REFRESH_KEY = 'opa.refreshSec';

export function TimeRangeProvider({ children }: { children: ReactNode }) {
  const [params, setParams] = useSearchParams();
  const custom = params.get('range') === CUSTOM_RANGE_KEY ? customRange(params.get('from'), params.get('to')) : undefined;
  const rangeKey = custom ? CUSTOM_RANGE_KEY : findPreset(params.get('range') ?? DEFAULT_RANGE_KEY).key;
  const [now, setNow] = useState(() => Date.now());
  const [refreshSec, setRefreshSecState] = useState(() => Number(localStorage.getItem(REFRESH_KEY) ?? 0) || 0);

  const refresh = useCallback(() => setNow(Date.now()), []);
  const update = useCallback(
    (apply: (next: URLSearchParams) => void) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          next.delete('range');
          next.delete('from');
          next.delete('to');
          apply(next);
          return next;
        },
        { replace: true },
      );
      setNow(Date.now());
    },
    [setParams],
  );
  const setRangeKey = useCallback(
    (key: string) =>
      update((next) => {
        if (key === CUSTOM_RANGE_KEY) {
          // Start from the window on screen, frozen, so the user can adjust it.
          const current = resolveRange(rangeKey, Date.now());
          next.set('range', CUSTOM_RANGE_KEY);
          next.set('from', String(current.from));
          next.set('to', String(current.to));
        } else if (key !== DEFAULT_RANGE_KEY) next.set('range', key);
      }),
    [update, rangeKey],
  );
  const setCustomRange = useCallback(
    (r: TimeRange) =>
      update((next) => {
        next.set('range', CUSTOM_RANGE_KEY);
        next.set('from', String(r.from));
        next.set('to', String(r.to));
      }),
    [update],
  );
  const setRefreshSec = useCallback((sec: number) => {
    localStorage.setItem(REFRESH_KEY, String(sec));
    setRefreshSecState(sec);
  }, []);

  useEffect(() => {
    if (!refreshSec || custom) return; // an absolute window does not move
    const timer = setInterval(() => setNow(Date.now()), refreshSec * 1000);
    return () => clearInterval(timer);
  }, [refreshSec, custom]);

  const customFrom = custom?.from;
  const customTo = custom?.to;
  const range = useMemo(
    () => (customFrom !== undefined && customTo !== undefined ? { from: customFrom, to: customTo } : resolveRange(rangeKey, now)),
    [rangeKey, now, customFrom, customTo],
  );
  const value = useMemo(
    () => ({ rangeKey, setRangeKey, setCustomRange, range, refreshSec, setRefreshSec, refresh }),
    [rangeKey, setRangeKey, setCustomRange, range, refreshSec, setRefreshSec, refresh],
  );
  return <TimeRangeContext.Provider value={value}>{children}</TimeRangeContext.Provider>;
}

export function useTimeRange(): TimeRangeState {
  const state = useContext(TimeRangeContext);
  if (!state) throw new Error('useTimeRange outside TimeRangeProvider');
  return state;
}
