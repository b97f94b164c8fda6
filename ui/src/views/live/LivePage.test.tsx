import { act, fireEvent, screen } from '@testing-library/react';
import { vi } from 'vitest';
import { traceSummary } from '../../test/fixtures';
import { renderAt } from '../../test/render';
import { LivePage } from './LivePage';

class FakeEventSource {
  static last: FakeEventSource;
  listeners: Record<string, (e: MessageEvent) => void> = {};
  onerror: ((e: Event) => void) | null = null;
  onopen: ((e: Event) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  addEventListener(type: string, listener: (e: MessageEvent) => void) {
    this.listeners[type] = listener;
  }
  close() {
    this.closed = true;
  }
  emit(type: string, data: unknown) {
    act(() => this.listeners[type](new MessageEvent(type, { data: JSON.stringify(data) })));
  }
}

describe('LivePage', () => {
  beforeEach(() => vi.stubGlobal('EventSource', FakeEventSource));

  it('shows streamed events newest first, pauses, and resubscribes when a type is switched off', () => {
    renderAt('/live', '/live', <LivePage />);
    const source = FakeEventSource.last;
    expect(source.url).toBe('/api/live?types=trace%2Cerror%2Clog%2Cdump');
    expect(screen.getByTestId('live-status')).toHaveTextContent('connecting');
    act(() => source.onopen?.(new Event('open')));
    expect(screen.getByTestId('live-status')).toHaveTextContent('connected');

    source.emit('trace', traceSummary({ name: 'GET /first' }));
    source.emit('log', { ts: 1, service: 'shop-web', level: 'ERROR', message: 'disk full', trace_id: null, span_id: null });
    const rows = screen.getAllByTestId(/^live-/).filter((el) => el.classList.contains('live-row'));
    expect(rows.map((r) => r.dataset.testid)).toEqual(['live-log', 'live-trace']);
    expect(screen.getByTestId('live-log')).toHaveTextContent('ERROR shop-web: disk full');

    fireEvent.click(screen.getByText('Pause'));
    source.emit('trace', traceSummary({ name: 'GET /while-paused' }));
    expect(screen.queryByText('GET /while-paused')).not.toBeInTheDocument();

    fireEvent.click(screen.getByLabelText(/logs/));
    expect(source.closed).toBe(true);
    expect(FakeEventSource.last.url).toBe('/api/live?types=trace%2Cerror%2Cdump');
  });
});
