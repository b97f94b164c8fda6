import { render, screen } from '@testing-library/react';
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

  it('shows a not-found page for unknown paths', async () => {
    mockApi({});
    renderApp('/no/such/page');
    expect(await screen.findByText('This page does not exist.')).toBeInTheDocument();
  });
});
