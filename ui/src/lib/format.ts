// Human-readable numbers for dense tables. Every formatter accepts null/undefined and prints "—".

const DASH = '—';

function missing(value: number | null | undefined): value is null | undefined {
  return value === null || value === undefined || Number.isNaN(value);
}

/** 0.42 ms → "420 µs", 12.3 → "12.3 ms", 2345 → "2.35 s", 125000 → "2m 5s". */
export function formatMs(ms: number | null | undefined): string {
  if (missing(ms)) return DASH;
  const abs = Math.abs(ms);
  if (abs === 0) return '0 ms';
  if (abs < 1) return `${Math.round(ms * 1000)} µs`;
  if (abs < 10) return `${ms.toFixed(2)} ms`;
  if (abs < 1000) return `${ms.toFixed(1)} ms`;
  if (abs < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(abs / 60_000);
  const seconds = Math.round((abs % 60_000) / 1000);
  return `${ms < 0 ? '-' : ''}${minutes}m ${seconds}s`;
}

/** Signed difference for compare views: "+12.0 ms", "-3.00 ms". */
export function formatDeltaMs(ms: number | null | undefined): string {
  if (missing(ms)) return DASH;
  return ms > 0 ? `+${formatMs(ms)}` : formatMs(ms);
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number | null | undefined): string {
  if (missing(bytes)) return DASH;
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const sign = bytes < 0 ? '-' : '';
  return `${sign}${unit === 0 ? value : value.toFixed(value < 10 ? 2 : 1)} ${BYTE_UNITS[unit]}`;
}

/** 1234 → "1,234", 1234567 → "1.23M". */
export function formatCount(n: number | null | undefined): string {
  if (missing(n)) return DASH;
  if (Math.abs(n) >= 1_000_000) return `${(n / 1_000_000).toFixed(2)}M`;
  return Math.round(n).toLocaleString('en-US');
}

/** A 0..1 ratio as a percentage: 0.0123 → "1.23%". */
export function formatPercent(ratio: number | null | undefined): string {
  if (missing(ratio)) return DASH;
  const pct = ratio * 100;
  if (pct === 0) return '0%';
  if (pct < 0.01) return '<0.01%';
  return `${pct < 10 ? pct.toFixed(2) : pct.toFixed(1)}%`;
}

export function formatRate(perMin: number | null | undefined): string {
  if (missing(perMin)) return DASH;
  return `${perMin < 10 ? perMin.toFixed(2) : formatCount(perMin)}/min`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local wall-clock time "2026-11-27 11:14:03.120". */
export function formatTimestamp(ms: number | null | undefined): string {
  if (missing(ms)) return DASH;
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  );
}

/** "5s ago", "3m ago", "2h ago", "4d ago" relative to `now`. */
export function formatAgo(ms: number | null | undefined, now = Date.now()): string {
  if (missing(ms)) return DASH;
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86400)}d ago`;
}

/** "4bf92f…a3ce92": both ends, because legacy 16-hex ids are stored left-padded with zeros. */
export function shortId(id: string | null | undefined, length = 12): string {
  if (!id) return DASH;
  if (id.length <= length + 1) return id;
  const half = Math.floor(length / 2);
  return `${id.slice(0, half)}…${id.slice(-half)}`;
}
