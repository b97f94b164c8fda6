import { fireEvent, screen, within } from '@testing-library/react';
import { callNode, span, trace, wideStack } from '../../test/fixtures';
import { mockApi } from '../../test/mockApi';
import { renderAt } from '../../test/render';
import { TracePage } from './TracePage';

const ID = 'b'.repeat(32);

function bigTrace() {
  const n1 = Array.from({ length: 25 }, (_, i) => ({
    query: `SELECT * FROM order_items WHERE order_id = ${i + 1}`, fingerprint: 'f0e1', normalized: 'SELECT * FROM order_items WHERE order_id = ?',
    db_system: 'mysql', duration_ms: 2,
  }));
  return trace(
    [
      span({ trace_id: ID, span_id: 'root', name: 'GET /big-report', duration_ms: 10_000, stack: wideStack(10_000), sql: n1 }),
      span({ trace_id: ID, span_id: 'child', parent_id: 'root', name: 'render', service: 'shop-web', start_ts: 1_700_000_000_010, duration_ms: 20, http: [{ url: 'https://payments.example/charge', method: 'POST', status_code: 502, duration_ms: 300, error: 'bad gateway' }] }),
    ],
    {
      trace_id: ID,
      errors: [{ occurred_at: 1, service: 'shop-web', trace_id: ID, span_id: 'root', error_type: 'PDOException', error_message: 'deadlock', file: '/app/Repo.php', line: 12, fingerprint: 'f1', stack_trace: [{ file: '/app/Repo.php', line: 12, function: 'save', class: 'Repo' }] }],
      logs: [{ ts: 2, service: 'shop-web', level: 'WARNING', message: 'slow report', trace_id: ID, span_id: 'root' }],
    },
  );
}

describe('TracePage', () => {
  // jsdom lays nothing out: give scroll containers a viewport so the virtualiser has rows to show.
  beforeEach(() => {
    vi.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(600);
    vi.spyOn(Element.prototype, 'clientWidth', 'get').mockReturnValue(1000);
  });
  afterEach(() => vi.restoreAllMocks());

  it('shows the summary and waterfall', async () => {
    mockApi({ [`/api/traces/${ID}`]: bigTrace() });
    renderAt(`/traces/${ID}`, '/traces/:id', <TracePage />);
    expect(await screen.findByRole('heading', { name: /GET \/big-report/ })).toBeInTheDocument();
    expect(screen.getAllByTestId('wf-row')).toHaveLength(2);
    expect(screen.getByText('Call tree (10000)')).toBeInTheDocument();
  });

  it('renders only the visible part of a 10,000-node call tree and expands on click', async () => {
    mockApi({ [`/api/traces/${ID}`]: bigTrace() });
    renderAt(`/traces/${ID}?tab=calls`, '/traces/:id', <TracePage />);
    const tree = await screen.findByTestId('call-tree');
    const before = within(tree).getAllByTestId('call-row').length;
    expect(before).toBeGreaterThan(5);
    expect(before).toBeLessThan(100); // virtualised: not 10,000 DOM rows
    const shownBefore = Number(screen.getByTestId('call-tree-count').textContent!.split(' ')[0]);
    fireEvent.click(screen.getByText('Expand all'));
    expect(screen.getByTestId('call-tree-count')).toHaveTextContent('10000 rows shown');
    expect(within(tree).getAllByTestId('call-row').length).toBeLessThan(100);
    fireEvent.click(screen.getByText('Collapse all'));
    expect(screen.getByTestId('call-tree-count')).toHaveTextContent('1 rows shown');
    fireEvent.click(within(tree).getByLabelText('expand'));
    expect(screen.getByTestId('call-tree-count')).toHaveTextContent('11 rows shown');
    expect(shownBefore).toBeGreaterThan(11);
  });

  it('shows the clicked call with its SQL and ranks hot functions', async () => {
    const stack = [
      callNode('a', null, '{main}', 100, { start_ts: 0 }),
      callNode('b', 'a', 'find', 70, { class: 'App\\Repo', file: '/app/Repo.php', line: 12, start_ts: 1, sql_queries: [{ query: 'SELECT * FROM users WHERE id = ?', duration_ms: 60 }] }),
      callNode('c', 'a', 'render', 20, { start_ts: 80 }),
    ];
    mockApi({ [`/api/traces/${ID}`]: trace([span({ trace_id: ID, stack })], { trace_id: ID }) });
    renderAt(`/traces/${ID}?tab=calls`, '/traces/:id', <TracePage />);
    const tree = await screen.findByTestId('call-tree');
    fireEvent.click(within(tree).getByText('App\\Repo::find'));
    const detail = screen.getByTestId('call-detail');
    expect(detail).toHaveTextContent('/app/Repo.php:12');
    expect(detail).toHaveTextContent('SELECT * FROM users WHERE id = ?');
    expect(detail).toHaveTextContent('self 70.0 ms');
    fireEvent.click(screen.getByRole('button', { name: 'Hot functions' }));
    const rows = within(screen.getByTestId('hot-functions')).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.firstChild!.textContent)).toEqual(['App\\Repo::find', 'render', '{main}']);
  });

  it('highlights N+1 in the SQL tab', async () => {
    mockApi({ [`/api/traces/${ID}`]: bigTrace() });
    renderAt(`/traces/${ID}?tab=sql`, '/traces/:id', <TracePage />);
    expect(await screen.findByTestId('n-plus-one')).toHaveTextContent('N+1');
    const row = screen.getByTestId('n1-row');
    expect(row).toHaveTextContent('SELECT * FROM order_items WHERE order_id = ?');
    expect(row).toHaveTextContent('25');
  });

  it('shows HTTP, errors and logs tabs', async () => {
    mockApi({ [`/api/traces/${ID}`]: bigTrace() });
    renderAt(`/traces/${ID}`, '/traces/:id', <TracePage />);
    fireEvent.click(await screen.findByText('HTTP (1)'));
    expect(screen.getByTestId('http-tab')).toHaveTextContent('https://payments.example/charge');
    fireEvent.click(screen.getByText('Errors (1)'));
    expect(screen.getByTestId('error-detail')).toHaveTextContent('PDOException: deadlock');
    expect(screen.getByTestId('error-detail')).toHaveTextContent('Repo::save');
    fireEvent.click(screen.getByText('Logs (1)'));
    expect(screen.getByTestId('logs-table')).toHaveTextContent('slow report');
  });

  it('keep-marks the trace', async () => {
    const calls = mockApi({ [`/api/traces/${ID}`]: bigTrace(), [`POST /api/traces/${ID}/keep`]: { trace_id: ID, kept: true } });
    renderAt(`/traces/${ID}`, '/traces/:id', <TracePage />);
    fireEvent.click(await screen.findByText('Keep trace'));
    expect(await screen.findByText('Kept')).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'POST' && c.url.pathname === `/api/traces/${ID}/keep`)).toBe(true);
  });

  it('renders a span whose detail fields are missing or not arrays', async () => {
    const odd = span({ trace_id: ID, name: 'GET /legacy' }) as unknown as Record<string, unknown>;
    Object.assign(odd, { stack: {}, sql: null, http: 'x', cache: undefined, redis: 7, dumps: null, tags: null, net: null });
    mockApi({ [`/api/traces/${ID}`]: { trace_id: ID, spans: [odd], errors: [], logs: [] } });
    renderAt(`/traces/${ID}`, '/traces/:id', <TracePage />);
    expect(await screen.findByRole('heading', { name: /GET \/legacy/ })).toBeInTheDocument();
    Object.assign(odd, { file_io: 'x' });
    for (const tab of ['Call tree (0)', 'Flame graph', 'SQL (0)', 'HTTP (0)', 'Cache (0)', 'File I/O (0)', 'Dumps (0)', 'Tags']) {
      fireEvent.click(screen.getByText(tab));
    }
    expect(screen.getByTestId('tags-tab')).toHaveTextContent('span_id');
  });

  it('shows file I/O per call and each recorded operation, and in the clicked call', async () => {
    const read = { operation: 'file_get_contents', path: '/var/www/cache/report.json', bytes: 5000, duration_ms: 2.5, start_ts: 5 };
    const stack = [
      callNode('a', null, '{main}', 100, { start_ts: 0 }),
      callNode('b', 'a', 'load', 40, { class: 'App\\Report', file: '/app/Report.php', line: 9, start_ts: 1, file_io: { operations: 13, bytes: 15008, duration_ms: 3.5 }, file_operations: [read] }),
    ];
    mockApi({ [`/api/traces/${ID}`]: trace([span({ trace_id: ID, stack, file_io: [read] })], { trace_id: ID }) });
    renderAt(`/traces/${ID}`, '/traces/:id', <TracePage />);
    fireEvent.click(await screen.findByText('File I/O (13)'));
    const tab = screen.getByTestId('file-io-tab');
    expect(tab).toHaveTextContent('13 operations, 14.7 KiB, 3.50 ms');
    const call = within(screen.getByTestId('file-io-calls')).getAllByRole('row')[1];
    expect(call).toHaveTextContent('App\\Report::load');
    expect(call).toHaveTextContent('/app/Report.php:9');
    const op = within(screen.getByTestId('file-io-records')).getAllByRole('row')[1];
    expect(op).toHaveTextContent('file_get_contents');
    expect(op).toHaveTextContent('/var/www/cache/report.json');
    expect(op).toHaveTextContent('4.88 KiB');
    fireEvent.click(screen.getByText(/Call tree/));
    fireEvent.click(within(await screen.findByTestId('call-tree')).getByText('App\\Report::load'));
    expect(screen.getByTestId('call-file-io')).toHaveTextContent('file I/O 13 ops, 14.7 KiB, 3.50 ms');
    expect(screen.getByTestId('call-detail')).toHaveTextContent('file_get_contents /var/www/cache/report.json');
  });

  it('shows the SQL and HTTP counts of an unsampled request (a summary without records)', async () => {
    const summary = span({ trace_id: ID, name: 'GET /cart', sql_count: 4, sql_ms: 6, http_count: 1, http_ms: 20.5, stack: [] });
    mockApi({ [`/api/traces/${ID}`]: trace([summary], { trace_id: ID }) });
    renderAt(`/traces/${ID}`, '/traces/:id', <TracePage />);
    await screen.findByRole('heading', { name: /GET \/cart/ });
    expect(screen.getByText('4 · 6.00 ms')).toBeInTheDocument();
    expect(screen.getByText('1 · 20.5 ms')).toBeInTheDocument();
  });

  it('says so when the trace does not exist', async () => {
    mockApi({});
    renderAt(`/traces/${ID}`, '/traces/:id', <TracePage />);
    expect(await screen.findByText('Trace not found')).toBeInTheDocument();
  });

  it('draws dumps', async () => {
    const t = trace([span({ trace_id: ID, dumps: [{ file: '/app/cart.php', line: 7, data: '{"items":3}', text: 'cart' }], stack: [callNode('a', null, 'main', 1)] })]);
    mockApi({ [`/api/traces/${ID}`]: t });
    renderAt(`/traces/${ID}?tab=dumps`, '/traces/:id', <TracePage />);
    const card = await screen.findByTestId('dump-card');
    expect(card).toHaveTextContent('/app/cart.php:7');
    expect(card.querySelector('.dump-data')!.textContent).toBe('{\n  "items": 3\n}');
  });
});
