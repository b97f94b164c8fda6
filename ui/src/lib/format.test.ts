import { formatAgo, formatBytes, formatCount, formatDeltaMs, formatMs, formatPercent, formatRate, formatTimestamp, shortId } from './format';

describe('formatMs', () => {
  it.each([
    [0, '0 ms'],
    [0.42, '420 µs'],
    [3.14159, '3.14 ms'],
    [12.34, '12.3 ms'],
    [2345, '2.35 s'],
    [125_000, '2m 5s'],
  ])('%s ms → %s', (ms, text) => expect(formatMs(ms)).toBe(text));

  it('prints a dash for missing values', () => {
    expect(formatMs(null)).toBe('—');
    expect(formatMs(undefined)).toBe('—');
    expect(formatMs(Number.NaN)).toBe('—');
  });

  it('signs deltas', () => {
    expect(formatDeltaMs(12)).toBe('+12.0 ms');
    expect(formatDeltaMs(-3)).toBe('-3.00 ms');
    expect(formatDeltaMs(0)).toBe('0 ms');
  });
});

describe('other formatters', () => {
  it('formats bytes with binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.00 KiB');
    expect(formatBytes(5 * 1024 * 1024 * 1024)).toBe('5.00 GiB');
    expect(formatBytes(-1536)).toBe('-1.50 KiB');
  });

  it('formats counts, percentages and rates', () => {
    expect(formatCount(1234)).toBe('1,234');
    expect(formatCount(2_500_000)).toBe('2.50M');
    expect(formatPercent(0.0123)).toBe('1.23%');
    expect(formatPercent(0.5)).toBe('50.0%');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(0.00001)).toBe('<0.01%');
    expect(formatRate(3.5)).toBe('3.50/min');
    expect(formatRate(1500)).toBe('1,500/min');
  });

  it('formats times', () => {
    const t = new Date(2026, 10, 27, 9, 5, 3, 7).getTime();
    expect(formatTimestamp(t)).toBe('2026-11-27 09:05:03.007');
    expect(formatAgo(t - 5000, t)).toBe('5s ago');
    expect(formatAgo(t - 3 * 60_000, t)).toBe('3m ago');
    expect(formatAgo(t - 2 * 3600_000, t)).toBe('2h ago');
    expect(formatAgo(t - 4 * 86400_000, t)).toBe('4d ago');
    expect(shortId('0123456789abcdef', 6)).toBe('012…def');
    expect(shortId('00000000000000004bf92f3577b34da6')).toBe('000000…b34da6');
    expect(shortId('abc')).toBe('abc');
  });
});
