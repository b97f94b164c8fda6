import { screen, within } from '@testing-library/react';
import { mockApi } from '../../test/mockApi';
import { renderAt } from '../../test/render';
import { HttpPage } from './HttpPage';

describe('HttpPage', () => {
  it('lists calls by host and path with error share and links to the traces that made them', async () => {
    mockApi({
      '/api/services': { items: [], total: 0 },
      '/api/http': { items: [{ host: 'payments.example.test', path_template: '/v1/charges/{id}', method: 'POST', count: 40, errors: 10, avg_ms: 120, p95_ms: 900, total_ms: 4800 }], total: 1 },
    });
    renderAt('/http?range=6h', '/http', <HttpPage />);
    const row = (await screen.findByText('payments.example.test')).closest('tr')!;
    expect(row).toHaveTextContent('/v1/charges/{id}');
    expect(row).toHaveTextContent('10 (25.0%)');
    expect(row).toHaveTextContent('4.80 s');
    expect(within(row).getByText('traces')).toHaveAttribute('href', '/traces?range=6h&q=payments.example.test&sort=duration');
  });
});
