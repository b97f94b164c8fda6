import { screen, within } from '@testing-library/react';
import { mockApi } from '../../test/mockApi';
import { renderAt } from '../../test/render';
import { ServicePage } from './ServicePage';

describe('ServicePage', () => {
  it('lists the endpoints of the service with links to their traces', async () => {
    const calls = mockApi({
      '/api/services/shop%20web/timeseries': { interval: 60, items: [{ ts: 1, requests: 5, errors: 1, p50_ms: 10, p95_ms: 50, p99_ms: 90 }] },
      '/api/services/shop%20web/endpoints': { items: [{ name: 'POST /checkout', requests: 40, errors: 4, error_rate: 0.1, throughput_per_min: 0.7, p50_ms: 120, p95_ms: 3100, p99_ms: 3120 }], total: 1 },
    });
    renderAt('/services/shop%20web', '/services/:name', <ServicePage />);
    const table = await screen.findByTestId('endpoints-table');
    const row = within(table).getAllByRole('row')[1];
    expect(row).toHaveTextContent('3.10 s');
    expect(within(row).getByText('POST /checkout')).toHaveAttribute('href', '/traces?service=shop+web&name=POST+%2Fcheckout');
    expect(within(row).getByText('slowest')).toHaveAttribute('href', '/traces?service=shop+web&name=POST+%2Fcheckout&sort=duration');
    expect(await screen.findByTestId('latency-chart')).toBeInTheDocument();
    expect(calls.some((c) => c.url.pathname === '/api/services/shop%20web/endpoints' || c.url.pathname === '/api/services/shop%20web/endpoints')).toBe(true);
  });
});
