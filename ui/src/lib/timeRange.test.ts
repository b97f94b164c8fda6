import { customRange, findPreset, fromLocalInput, rangeParams, resolveRange, toLocalInput } from './timeRange';

describe('time ranges', () => {
  it('resolves presets to absolute windows ending now', () => {
    expect(resolveRange('15m', 1_000_000_000)).toEqual({ from: 1_000_000_000 - 15 * 60_000, to: 1_000_000_000 });
  });

  it('falls back to the last hour for unknown keys', () => {
    expect(findPreset('bogus').key).toBe('1h');
    expect(findPreset(null).key).toBe('1h');
  });
});

describe('custom ranges', () => {
  it('accepts only a valid, ordered window', () => {
    expect(customRange('1000', '5000')).toEqual({ from: 1000, to: 5000 });
    expect(customRange('5000', '1000')).toBeUndefined();
    expect(customRange(null, '1000')).toBeUndefined();
    expect(customRange('x', '1000')).toBeUndefined();
  });

  it('keeps only the range parameters for links', () => {
    expect(rangeParams(new URLSearchParams('service=a&range=custom&from=1&to=2&tab=x')).toString()).toBe('range=custom&from=1&to=2');
  });

  it('round-trips datetime-local input values to the minute', () => {
    const ms = new Date(2026, 10, 27, 9, 5).getTime();
    expect(toLocalInput(ms)).toBe('2026-11-27T09:05');
    expect(fromLocalInput('2026-11-27T09:05')).toBe(ms);
    expect(fromLocalInput('')).toBeNaN();
  });
});
