import { findPreset, rangeAround, resolveRange } from './timeRange';

describe('time ranges', () => {
  it('resolves presets to absolute windows ending now', () => {
    expect(resolveRange('15m', 1_000_000_000)).toEqual({ from: 1_000_000_000 - 15 * 60_000, to: 1_000_000_000 });
  });

  it('falls back to the last hour for unknown keys', () => {
    expect(findPreset('bogus').key).toBe('1h');
    expect(findPreset(null).key).toBe('1h');
  });

  it('builds a window around a trace', () => {
    expect(rangeAround(10_000.4, 20_000.2, 1000)).toEqual({ from: 9000, to: 21_001 });
  });
});
