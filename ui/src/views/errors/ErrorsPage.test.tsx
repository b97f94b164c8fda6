import { fireEvent, screen } from '@testing-library/react';
import { mockApi } from '../../test/mockApi';
import { renderAt } from '../../test/render';
import { ErrorsPage } from './ErrorsPage';

describe('ErrorsPage', () => {
  it('lists groups and loads the instances of an expanded group', async () => {
    const now = Date.now();
    const calls = mockApi({
      '/api/services': { items: [], total: 0 },
      '/api/errors': { items: [{ fingerprint: 'fp1', error_type: 'PDOException', error_message: 'SQLSTATE[40001] deadlock', count: 7, first_seen: now - 3600_000, last_seen: now - 60_000, services: ['shop-web'], sample_trace_ids: ['d'.repeat(32)] }], total: 1 },
      '/api/errors/fp1': { items: [{ occurred_at: now, service: 'shop-web', trace_id: 'd'.repeat(32), span_id: 's', error_type: 'PDOException', error_message: 'SQLSTATE[40001] deadlock', file: '/app/Order.php', line: 88, fingerprint: 'fp1', stack_trace: [{ function: 'commit', class: 'Order', file: '/app/Order.php', line: 88 }] }], total: 7 },
    });
    renderAt('/errors', '/errors', <ErrorsPage />);
    const group = await screen.findByTestId('error-group');
    expect(group).toHaveTextContent('PDOException');
    expect(group).toHaveTextContent('1h ago');
    fireEvent.click(group);
    expect(await screen.findByText('Newest 1 of 7 occurrences')).toBeInTheDocument();
    expect(screen.getByTestId('error-detail')).toHaveTextContent('Order::commit');
    expect(calls.some((c) => c.url.pathname === '/api/errors/fp1' && c.url.searchParams.get('limit') === '10')).toBe(true);
  });
});
