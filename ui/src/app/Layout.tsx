import { Suspense } from 'react';
import { NavLink, Outlet, useSearchParams } from 'react-router-dom';
import { Loading } from '../components/Status';
import { TenantPicker } from '../components/TenantPicker';
import { CUSTOM_RANGE_KEY, RANGE_PRESETS, fromLocalInput, rangeParams, toLocalInput } from '../lib/timeRange';
import { useTimeRange } from './timeRange';

const NAV = [
  { to: '/', label: 'Overview', end: true },
  { to: '/traces', label: 'Traces' },
  { to: '/sql', label: 'SQL' },
  { to: '/http', label: 'HTTP' },
  { to: '/errors', label: 'Errors' },
  { to: '/logs', label: 'Logs' },
  { to: '/dumps', label: 'Dumps' },
  { to: '/live', label: 'Live' },
];

const REFRESH_CHOICES = [0, 10, 30, 60];

export function Layout() {
  const [params] = useSearchParams();
  const query = rangeParams(params).toString();
  const suffix = query ? `?${query}` : '';
  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark">◆</span> OPA
        </div>
        <nav className="nav">
          {NAV.map((item) => (
            <NavLink key={item.to} to={`${item.to}${suffix}`} end={item.end}>
              {item.label}
            </NavLink>
          ))}
        </nav>
        <TenantPicker />
        <RangeControls />
      </header>
      <main className="content">
        <Suspense fallback={<Loading what="page" />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}

function RangeControls() {
  const { rangeKey, setRangeKey, setCustomRange, range, refreshSec, setRefreshSec, refresh } = useTimeRange();
  const custom = rangeKey === CUSTOM_RANGE_KEY;
  const setBound = (bound: 'from' | 'to', value: string) => {
    const ms = fromLocalInput(value);
    if (!Number.isFinite(ms)) return;
    const next = { ...range, [bound]: ms };
    if (next.from < next.to) setCustomRange(next);
  };
  return (
    <div className="range-controls">
      <select aria-label="Time range" value={rangeKey} onChange={(e) => setRangeKey(e.target.value)}>
        {RANGE_PRESETS.map((p) => (
          <option key={p.key} value={p.key}>
            {p.label}
          </option>
        ))}
        <option value={CUSTOM_RANGE_KEY}>Custom range…</option>
      </select>
      {custom && (
        <>
          <input
            type="datetime-local"
            aria-label="From"
            value={toLocalInput(range.from)}
            onChange={(e) => setBound('from', e.target.value)}
          />
          <input type="datetime-local" aria-label="To" value={toLocalInput(range.to)} onChange={(e) => setBound('to', e.target.value)} />
        </>
      )}
      {!custom && (
        <select aria-label="Auto refresh" value={refreshSec} onChange={(e) => setRefreshSec(Number(e.target.value))}>
          {REFRESH_CHOICES.map((s) => (
            <option key={s} value={s}>
              {s === 0 ? 'Auto refresh off' : `Every ${s}s`}
            </option>
          ))}
        </select>
      )}
      <button onClick={refresh} title="Refresh now" aria-label="Refresh now">
        ⟳
      </button>
    </div>
  );
}
