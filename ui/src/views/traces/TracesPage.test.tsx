import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { traceSummary } from '../../test/fixtures';
import { mockApi } from '../../test/mockApi';
import { renderAt } from '../../test/render';
import { TracesPage, compareUrl } from './TracesPage';
import { paramsFromForm, queryFromParams } from './searchParams';

describe('trace search params', () => {
  it('parses the URL into an API query', () => {
    const q = queryFromParams(new URLSearchParams('service=shop&status=error&min_ms=100&max_ms=x&tag=a:1&tag=b:2&sort=duration&offset=50'));
    expect(q).toMatchObject({ service: 'shop', status: 'error', min_ms: 100, max_ms: undefined, tag: ['a:1', 'b:2'], sort: 'duration', order: 'desc', offset: 50, limit: 50 });
    expect(queryFromParams(new URLSearchParams('status=bogus')).status).toBeUndefined();
  });

  it('keeps the range and splits tags when the form is submitted', () => {
    const next = paramsFromForm(new URLSearchParams('range=6h&offset=50'), { service: 'shop', q: ' ', tag: 'a:1, b:2 junk' });
    expect(next.toString()).toBe('range=6h&service=shop&tag=a%3A1&tag=b%3A2');
  });
});

describe('TracesPage', () => {
  it('searches with the form fields and lists traces', async () => {
    const calls = mockApi({
      '/api/services': { items: [{ service: 'shop-web' }], total: 1 },
      '/api/traces': (url: URL) => ({
        items: url.searchParams.get('status') === 'error'
          ? [traceSummary({ trace_id: 'e'.repeat(32), name: 'POST /checkout', status: 'error', http_status: 500 })]
          : [traceSummary(), traceSummary({ trace_id: 'c'.repeat(32), duration_ms: 900 })],
        total: url.searchParams.get('status') === 'error' ? 1 : 2,
      }),
    });
    renderAt('/traces?range=6h', '/traces', <TracesPage />);
    expect(await screen.findByText('2 traces')).toBeInTheDocument();
    fireEvent.change(screen.getByRole('combobox', { name: /Status/ }), { target: { value: 'error' } });
    fireEvent.change(screen.getByRole('textbox', { name: /Text/ }), { target: { value: 'deadlock' } });
    fireEvent.click(screen.getByText('Search'));
    expect(await screen.findByText('1 traces')).toBeInTheDocument();
    const table = screen.getByTestId('traces-table');
    expect(within(table).getByText('POST /checkout')).toBeInTheDocument();
    expect(within(table).getByText('500')).toBeInTheDocument();
    const last = calls.filter((c) => c.url.pathname === '/api/traces').at(-1)!;
    expect(last.url.searchParams.get('q')).toBe('deadlock');
    expect(Number(last.url.searchParams.get('to')) - Number(last.url.searchParams.get('from'))).toBe(6 * 3600_000);
  });

  it('enables compare once two traces are ticked', async () => {
    mockApi({
      '/api/services': { items: [], total: 0 },
      '/api/traces': { items: [traceSummary(), traceSummary({ trace_id: 'c'.repeat(32) })], total: 2 },
    });
    renderAt('/traces', '/traces', <TracesPage />);
    const button = await screen.findByText(/Compare selected/);
    expect(button).toBeDisabled();
    const boxes = screen.getAllByRole('checkbox');
    fireEvent.click(boxes[0]);
    fireEvent.click(boxes[1]);
    await waitFor(() => expect(button).toBeEnabled());
  });
});

describe('compareUrl', () => {
  it('puts the older trace first as the baseline', () => {
    const rows = [traceSummary({ trace_id: 'new', start_ts: 2000 }), traceSummary({ trace_id: 'old', start_ts: 1000 })];
    expect(compareUrl(['new', 'old'], rows)).toBe('/compare?a=old&b=new');
    expect(compareUrl(['old', 'new'], rows)).toBe('/compare?a=old&b=new');
  });
});
