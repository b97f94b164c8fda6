import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { HttpError, mockApi } from '../../test/mockApi';
import { renderAt } from '../../test/render';
import { OverviewPage } from './OverviewPage';

const stats = (spans: number) => ({
  spans_stored: spans,
  traces_stored: 10,
  errors_stored: 2,
  logs_stored: 3,
  store_bytes: 3 * 1024 * 1024,
  ingest: { frames_received: 100, frames_rejected: 4, spans_received: spans, spans_per_sec: 1.5 },
});
const service = (name: string, p95: number) => ({
  service: name, requests: 1200, errors: 120, error_rate: 0.1, throughput_per_min: 20, p50_ms: 10, p95_ms: p95, p99_ms: 900,
  sql_per_request: 3.5, sql_ms_per_request: 4.875, http_per_request: 12, http_ms_per_request: 120,
});

describe('OverviewPage', () => {
  it('lists services with RED figures and agent stats', async () => {
    const calls = mockApi({
      '/api/services': { items: [service('shop-web', 250), service('billing-api', 40)], total: 2 },
      '/api/stats': stats(5000),
      '/api/sampling': { rate: 0.5 },
      '/api/services/shop-web/timeseries': { interval: 60, items: [{ ts: 1, requests: 3, errors: 0, p50_ms: 1, p95_ms: 2, p99_ms: 3 }] },
      '/api/services/billing-api/timeseries': { interval: 60, items: [] },
    });
    renderAt('/', '/', <OverviewPage />);
    const table = await screen.findByTestId('services-table');
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('billing-api'); // sorted by name
    expect(rows[2]).toHaveTextContent('shop-web');
    expect(rows[2]).toHaveTextContent('1,200');
    expect(rows[2]).toHaveTextContent('250.0 ms');
    expect(rows[2]).toHaveTextContent('10.0%');
    expect(rows[2]).toHaveTextContent('3.5 · 4.88 ms'); // SQL per request: statements and their time
    expect(rows[2]).toHaveTextContent('12 · 120.0 ms');
    expect(screen.getByTestId('agent-panel')).toHaveTextContent('3.00 MiB');
    expect(await screen.findByText('50%')).toBeInTheDocument();
    const servicesCall = calls.find((c) => c.url.pathname === '/api/services')!;
    const from = Number(servicesCall.url.searchParams.get('from'));
    const to = Number(servicesCall.url.searchParams.get('to'));
    expect(to - from).toBe(3600_000);
  });

  it('explains how to send data when the store is empty', async () => {
    mockApi({ '/api/services': { items: [], total: 0 }, '/api/stats': stats(0) });
    renderAt('/', '/', <OverviewPage />);
    const help = await screen.findByTestId('getting-started');
    expect(help).toHaveTextContent('opa.socket_path');
    expect(help).toHaveTextContent('extension=opa.so');
  });

  it('keeps looking while the store is empty and shows the first service when it arrives', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      let stored = 0;
      mockApi({
        '/api/services': () => ({ items: stored ? [service('first-app', 12)] : [], total: stored ? 1 : 0 }),
        '/api/stats': () => stats(stored),
        '/api/sampling': { rate: 1 },
        '/api/services/first-app/timeseries': { interval: 60, items: [] },
      });
      renderAt('/', '/', <OverviewPage />);
      await screen.findByTestId('getting-started');
      stored = 3;
      await vi.advanceTimersByTimeAsync(5000);
      expect(await screen.findByText('first-app')).toBeInTheDocument();
      expect(screen.queryByTestId('getting-started')).not.toBeInTheDocument();
    } finally {
      vi.useRealTimers();
    }
  });

  it('asks for a token on 401 and retries with it', async () => {
    let authorized = false;
    const calls = mockApi({
      '/api/services': (_url: URL, init?: RequestInit) => {
        authorized = (init?.headers as Record<string, string>).Authorization === 'Bearer tok-1';
        return authorized ? { items: [], total: 0 } : new HttpError(401, { error: 'unauthorized' });
      },
      '/api/stats': (_url: URL, init?: RequestInit) =>
        (init?.headers as Record<string, string>).Authorization ? stats(0) : new HttpError(401),
    });
    renderAt('/', '/', <OverviewPage />);
    const input = await screen.findByLabelText('API token');
    fireEvent.change(input, { target: { value: 'tok-1' } });
    fireEvent.click(screen.getByText('Save token'));
    await screen.findByTestId('getting-started');
    expect(authorized).toBe(true);
    expect(localStorage.getItem('opa.api.token')).toBe('tok-1');
    expect(calls.filter((c) => c.url.pathname === '/api/services').length).toBeGreaterThanOrEqual(2);
  });

  it('changes the sampling rate', async () => {
    let rate = 1;
    mockApi({
      '/api/services': { items: [service('shop-web', 1)], total: 1 },
      '/api/stats': stats(10),
      '/api/services/shop-web/timeseries': { interval: 60, items: [] },
      'GET /api/sampling': () => ({ rate }),
      'PUT /api/sampling': (_u: URL, init?: RequestInit) => {
        rate = JSON.parse(String(init?.body)).rate;
        return { rate };
      },
    });
    renderAt('/', '/', <OverviewPage />);
    await screen.findByText('100%');
    fireEvent.change(screen.getByLabelText('New sampling rate (%)'), { target: { value: '25' } });
    fireEvent.click(screen.getByText('Set'));
    await screen.findByText('25%');
    expect(rate).toBe(0.25);
    fireEvent.change(screen.getByLabelText('New sampling rate (%)'), { target: { value: '250' } });
    fireEvent.click(screen.getByText('Set'));
    expect(await screen.findByText(/between 0 and 100/)).toBeInTheDocument();
    await waitFor(() => expect(rate).toBe(0.25));
  });
});
