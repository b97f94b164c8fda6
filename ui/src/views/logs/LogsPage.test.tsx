import { fireEvent, screen, waitFor } from '@testing-library/react';
import { mockApi } from '../../test/mockApi';
import { renderAt } from '../../test/render';
import { LogsPage } from './LogsPage';

describe('LogsPage', () => {
  it('sends the minimum level, text and trace id, and shows the lines', async () => {
    const calls = mockApi({
      '/api/services': { items: [], total: 0 },
      '/api/logs': { items: [{ ts: 1, service: 'shop-web', level: 'ERROR', message: 'Payment gateway timeout', trace_id: 'b'.repeat(32), span_id: 's', fields: { order_id: 7 } }], total: 1 },
    });
    renderAt('/logs', '/logs', <LogsPage />);
    expect(await screen.findByText('Payment gateway timeout')).toBeInTheDocument();
    expect(screen.getByTestId('logs-table')).toHaveTextContent('{"order_id":7}');
    fireEvent.change(screen.getByRole('combobox', { name: 'Min level' }), { target: { value: 'WARNING' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Text' }), { target: { value: 'gateway' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Trace id' }), { target: { value: ' ' + 'b'.repeat(32) } });
    fireEvent.click(screen.getByText('Search'));
    await waitFor(() => {
      const last = calls.filter((c) => c.url.pathname === '/api/logs').at(-1)!.url.searchParams;
      expect([last.get('level'), last.get('q'), last.get('trace_id'), last.get('limit')]).toEqual(['WARNING', 'gateway', 'b'.repeat(32), '100']);
    });
  });
});
