// Relative time-range presets ("last 15 minutes") resolved to absolute epoch-ms windows.
import type { TimeRange } from '../api/client';

export interface RangePreset {
  key: string;
  label: string;
  ms: number;
}

export const RANGE_PRESETS: RangePreset[] = [
  { key: '5m', label: 'Last 5 minutes', ms: 5 * 60_000 },
  { key: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { key: '1h', label: 'Last hour', ms: 60 * 60_000 },
  { key: '6h', label: 'Last 6 hours', ms: 6 * 60 * 60_000 },
  { key: '24h', label: 'Last 24 hours', ms: 24 * 60 * 60_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 24 * 60 * 60_000 },
];

export const DEFAULT_RANGE_KEY = '1h';

export function findPreset(key: string | null | undefined): RangePreset {
  return RANGE_PRESETS.find((p) => p.key === key) ?? RANGE_PRESETS.find((p) => p.key === DEFAULT_RANGE_KEY)!;
}

/** The absolute window for a preset ending at `now`. */
export function resolveRange(key: string | null | undefined, now = Date.now()): TimeRange {
  const preset = findPreset(key);
  return { from: now - preset.ms, to: now };
}

/** A window around one trace, used to look up its neighbours (dumps, logs) by time. */
export function rangeAround(startMs: number, endMs: number, marginMs = 60_000): TimeRange {
  return { from: Math.floor(startMs - marginMs), to: Math.ceil(endMs + marginMs) };
}
