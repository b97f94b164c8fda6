import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { mockApi } from '../../test/mockApi';
import { renderAt } from '../../test/render';
import { SqlPage } from './SqlPage';

describe('SqlPage', () => {
  it('lists N+1 offenders and fingerprints, and re-sorts on the server', async () => {
    const calls = mockApi({
      '/api/services': { items: [], total: 0 },
      '/api/sql/n-plus-one': { items: [{ trace_id: 'a'.repeat(32), fingerprint: 'f1', normalized: 'SELECT * FROM items WHERE order_id = ?', count: 25, total_ms: 60 }], total: 1, threshold: 10 },
      '/api/sql': { items: [{ fingerprint: 'f1', normalized: 'SELECT * FROM items WHERE order_id = ?', example: 'SELECT * FROM items WHERE order_id = 7', db_system: 'mysql', count: 25, total_ms: 60, avg_ms: 2.4, p95_ms: 2.4, services: ['shop-web'], n_plus_one_traces: 1 }], total: 1 },
    });
    renderAt('/sql', '/sql', <SqlPage />);
    const n1 = await screen.findByTestId('n1-table');
    expect(within(n1).getByRole('link')).toHaveAttribute('href', `/traces/${'a'.repeat(32)}`);
    const row = within(await screen.findByTestId('sql-table')).getAllByRole('row')[1];
    expect(row).toHaveTextContent('N+1 ×1');
    expect(row).toHaveTextContent('SELECT * FROM items WHERE order_id = ?');
    expect(row).toHaveTextContent('shop-web');
    fireEvent.change(screen.getByLabelText('Sort SQL by'), { target: { value: 'p95' } });
    await waitFor(() => expect(calls.filter((c) => c.url.pathname === '/api/sql').at(-1)!.url.searchParams.get('sort')).toBe('p95'));
  });
});
