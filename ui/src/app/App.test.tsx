import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { traceSummary } from '../test/fixtures';
import { mockApi } from '../test/mockApi';
import { App } from './App';

function renderApp(url: string) {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <App />
    </MemoryRouter>,
  );
}

describe('App routes', () => {
  it('serves browser-history routes with lazily loaded views and keeps ?range= in the navigation', async () => {
    mockApi({ '/api/services': { items: [], total: 0 }, '/api/traces': { items: [traceSummary({ name: 'GET /cart' })], total: 1 } });
    renderApp('/traces?range=24h');
    expect(await screen.findByText('GET /cart')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'SQL' })).toHaveAttribute('href', '/sql?range=24h');
    expect(screen.getByRole('combobox', { name: 'Time range' })).toHaveValue('24h');
  });

  it('queries an absolute window and lets the user move its start', async () => {
    const from = new Date(2026, 10, 27, 9, 0).getTime();
    const to = new Date(2026, 10, 27, 10, 0).getTime();
    const calls = mockApi({ '/api/services': { items: [], total: 0 }, '/api/traces': { items: [], total: 0 } });
    renderApp(`/traces?range=custom&from=${from}&to=${to}`);
    await screen.findByText('0 traces');
    const traceCalls = () => calls.filter((c) => c.url.pathname === '/api/traces');
    expect(traceCalls()[0].url.searchParams.get('from')).toBe(String(from));
    expect(traceCalls()[0].url.searchParams.get('to')).toBe(String(to));
    expect(screen.getByRole('link', { name: 'Logs' })).toHaveAttribute('href', `/logs?range=custom&from=${from}&to=${to}`);
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-11-27T09:30' } });
    await waitFor(() => expect(traceCalls().at(-1)!.url.searchParams.get('from')).toBe(String(from + 30 * 60_000)));
    expect(screen.queryByRole('combobox', { name: 'Auto refresh' })).not.toBeInTheDocument();
  });

  it('switches the tenant for every view', async () => {
    const calls = mockApi({ '/api/services': { items: [], total: 0 }, '/api/traces': { items: [], total: 0 } });
    renderApp('/traces');
    await screen.findByText('0 traces');
    fireEvent.click(screen.getByTestId('tenant'));
    fireEvent.change(screen.getByLabelText('Organisation'), { target: { value: 'acme' } });
    fireEvent.change(screen.getByLabelText('Project'), { target: { value: 'webshop' } });
    fireEvent.click(screen.getByText('Apply'));
    await waitFor(() => expect(calls.filter((c) => c.url.pathname === '/api/traces').at(-1)!.url.searchParams.get('org')).toBe('acme'));
    expect(calls.filter((c) => c.url.pathname === '/api/traces').at(-1)!.url.searchParams.get('project')).toBe('webshop');
    expect(screen.getByTestId('tenant')).toHaveTextContent('acme / webshop');
  });

  it('shows a not-found page for unknown paths', async () => {
    mockApi({});
    renderApp('/no/such/page');
    expect(await screen.findByText('This page does not exist.')).toBeInTheDocument();
  });
});
