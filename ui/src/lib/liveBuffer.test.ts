import { traceSummary } from '../test/fixtures';
import { emptyLiveBuffer, pushLive } from './liveBuffer';

describe('live buffer', () => {
  it('keeps the newest events first and drops the oldest beyond capacity', () => {
    let buffer = emptyLiveBuffer;
    for (let i = 0; i < 5; i++) buffer = pushLive(buffer, { type: 'trace', data: traceSummary({ name: `t${i}` }) }, 3, i);
    expect(buffer.items.map((item) => (item.event.type === 'trace' ? item.event.data.name : ''))).toEqual(['t4', 't3', 't2']);
    expect(buffer.dropped).toBe(2);
    expect(buffer.items[0].seq).toBe(5);
  });
});
