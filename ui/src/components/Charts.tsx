// Time-series charts of the service view (recharts).
import { useState } from 'react';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TimeseriesPoint } from '../api/types';
import { formatMs } from '../lib/format';

function tickTime(ts: number): string {
  const d = new Date(ts);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

const axisProps = { fontSize: 11, stroke: '#7a8494' };

interface Selection {
  start: number;
  end?: number;
}

/** Latency percentiles; dragging across the chart selects a window (`onZoom` gets its epoch-ms bounds). */
export function LatencyChart({ points, onZoom, bucketMs = 0 }: { points: TimeseriesPoint[]; onZoom?: (from: number, to: number) => void; bucketMs?: number }) {
  const [selection, setSelection] = useState<Selection | null>(null);
  const label = (state: unknown) => {
    const value = (state as { activeLabel?: number | string } | null)?.activeLabel;
    return value === undefined || value === null ? undefined : Number(value);
  };
  const finish = () => {
    if (selection?.end !== undefined && selection.end !== selection.start && onZoom) {
      onZoom(Math.min(selection.start, selection.end), Math.max(selection.start, selection.end) + bucketMs);
    }
    setSelection(null);
  };
  return (
    <ResponsiveContainer width="100%" height={220}>
      <LineChart
        data={points}
        margin={{ top: 8, right: 16, bottom: 0, left: 8 }}
        onMouseDown={(state) => {
          const at = label(state);
          if (onZoom && at !== undefined) setSelection({ start: at });
        }}
        onMouseMove={(state) => {
          const at = label(state);
          if (selection && at !== undefined) setSelection({ ...selection, end: at });
        }}
        onMouseUp={finish}
        onMouseLeave={() => setSelection(null)}
        style={onZoom ? { cursor: 'crosshair', userSelect: 'none' } : undefined}
      >
        <CartesianGrid stroke="#e6e9ef" vertical={false} />
        <XAxis dataKey="ts" type="number" domain={['dataMin', 'dataMax']} tickFormatter={tickTime} {...axisProps} />
        <YAxis tickFormatter={(v) => formatMs(v)} width={70} {...axisProps} />
        <Tooltip labelFormatter={(ts) => new Date(Number(ts)).toLocaleString()} formatter={(v) => formatMs(Number(v))} />
        <Legend iconType="plainline" wrapperStyle={{ fontSize: 12 }} />
        <Line dataKey="p50_ms" name="p50" stroke="#3b6fd8" dot={false} isAnimationActive={false} />
        <Line dataKey="p95_ms" name="p95" stroke="#d9822b" dot={false} isAnimationActive={false} />
        <Line dataKey="p99_ms" name="p99" stroke="#c23030" dot={false} isAnimationActive={false} />
        {selection?.end !== undefined && (
          <ReferenceArea x1={selection.start} x2={selection.end} fill="#3b6fd8" fillOpacity={0.15} ifOverflow="hidden" />
        )}
      </LineChart>
    </ResponsiveContainer>
  );
}

export function ThroughputChart({ points, intervalSec }: { points: TimeseriesPoint[]; intervalSec: number }) {
  const perMin = points.map((p) => ({ ts: p.ts, rpm: intervalSec > 0 ? (p.requests * 60) / intervalSec : p.requests }));
  return (
    <ResponsiveContainer width="100%" height={180}>
      <AreaChart data={perMin} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid stroke="#e6e9ef" vertical={false} />
        <XAxis dataKey="ts" type="number" domain={['dataMin', 'dataMax']} tickFormatter={tickTime} {...axisProps} />
        <YAxis width={70} {...axisProps} />
        <Tooltip labelFormatter={(ts) => new Date(Number(ts)).toLocaleString()} formatter={(v) => `${Number(v).toFixed(1)} req/min`} />
        <Area dataKey="rpm" name="requests/min" stroke="#3b6fd8" fill="#c9d8f5" isAnimationActive={false} />
      </AreaChart>
    </ResponsiveContainer>
  );
}

export function ErrorsChart({ points }: { points: TimeseriesPoint[] }) {
  return (
    <ResponsiveContainer width="100%" height={180}>
      <BarChart data={points} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid stroke="#e6e9ef" vertical={false} />
        <XAxis dataKey="ts" type="number" domain={['dataMin', 'dataMax']} tickFormatter={tickTime} {...axisProps} />
        <YAxis width={70} allowDecimals={false} {...axisProps} />
        <Tooltip labelFormatter={(ts) => new Date(Number(ts)).toLocaleString()} />
        <Bar dataKey="errors" name="errors" fill="#c23030" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
