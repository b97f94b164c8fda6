// Bounded newest-first buffer for the live stream; paused streams count what they skip.
import type { LiveEvent } from '../api/types';

export interface LiveItem {
  seq: number;
  receivedAt: number;
  event: LiveEvent;
}

export interface LiveBuffer {
  items: LiveItem[];
  nextSeq: number;
  dropped: number;
}

export const emptyLiveBuffer: LiveBuffer = { items: [], nextSeq: 1, dropped: 0 };

export function pushLive(buffer: LiveBuffer, event: LiveEvent, capacity: number, now = Date.now()): LiveBuffer {
  const items = [{ seq: buffer.nextSeq, receivedAt: now, event }, ...buffer.items];
  const dropped = Math.max(0, items.length - capacity);
  return {
    items: dropped ? items.slice(0, capacity) : items,
    nextSeq: buffer.nextSeq + 1,
    dropped: buffer.dropped + dropped,
  };
}
