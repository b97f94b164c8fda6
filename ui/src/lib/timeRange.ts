// Time ranges: relative presets ("last 15 minutes") or an absolute window, kept in the URL as
// ?range=<preset> or ?range=custom&from=<epoch ms>&to=<epoch ms>.
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
export const CUSTOM_RANGE_KEY = 'custom';
/** URL parameters that describe the time range; links between views carry them along. */
export const RANGE_PARAMS = ['range', 'from', 'to'] as const;

export function findPreset(key: string | null | undefined): RangePreset {
  return RANGE_PRESETS.find((p) => p.key === key) ?? RANGE_PRESETS.find((p) => p.key === DEFAULT_RANGE_KEY)!;
}

/** The absolute window for a preset ending at `now`. */
export function resolveRange(key: string | null | undefined, now = Date.now()): TimeRange {
  const preset = findPreset(key);
  return { from: now - preset.ms, to: now };
}

/** An absolute window from URL parameters, or undefined when they are missing or inverted. */
export function customRange(from: string | null, to: string | null): TimeRange | undefined {
  const f = Number(from);
  const t = Number(to);
  if (!from || !to || !Number.isFinite(f) || !Number.isFinite(t) || f >= t) return undefined;
  return { from: Math.floor(f), to: Math.floor(t) };
}

/** The range parameters of `params` only (to append to links). */
export function rangeParams(params: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const key of RANGE_PARAMS) {
    const value = params.get(key);
    if (value) out.set(key, value);
  }
  return out;
}

/** epoch ms → the value of an <input type="datetime-local"> (local time, minutes). */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** <input type="datetime-local"> value → epoch ms (NaN when empty or invalid). */
export function fromLocalInput(value: string): number {
  return value ? new Date(value).getTime() : Number.NaN;
}
