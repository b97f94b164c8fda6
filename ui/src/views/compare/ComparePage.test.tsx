import { fireEvent, screen, within } from '@testing-library/react';
import { callNode, span, trace } from '../../test/fixtures';
import { mockApi } from '../../test/mockApi';
import { renderAt } from '../../test/render';
import { ComparePage } from './ComparePage';

const A = '1'.repeat(32);
const B = '2'.repeat(32);

describe('ComparePage', () => {
  it('shows both summaries and a differential tree that opens on the biggest change', async () => {
    mockApi({
      [`/api/traces/${A}`]: trace([span({ trace_id: A, duration_ms: 100, stack: [callNode('1', null, 'main', 100), callNode('2', '1', 'loadCart', 40), callNode('3', '1', 'render', 50)] })], { trace_id: A }),
      [`/api/traces/${B}`]: trace([span({ trace_id: B, duration_ms: 400, sql: [{ query: 'x', duration_ms: 1 }], stack: [callNode('1', null, 'main', 400), callNode('2', '1', 'loadCart', 340), callNode('3', '1', 'render', 50)] })], { trace_id: B }),
    });
    renderAt(`/compare?a=${A}&b=${B}`, '/compare', <ComparePage />);
    const summary = await screen.findByTestId('compare-summary');
    const duration = within(summary).getByText('Duration').closest('tr')!;
    expect(duration).toHaveTextContent('+300.0 ms');
    const rows = within(screen.getByTestId('diff-tree')).getAllByTestId('diff-row');
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining('main'),
      expect.stringContaining('loadCart'),
      expect.stringContaining('render'),
    ]);
    expect(rows[1]).toHaveTextContent('+300.0 ms');
    fireEvent.click(screen.getByText('Biggest changes by function'));
    expect(within(screen.getByTestId('function-changes')).getAllByRole('row')[1]).toHaveTextContent('loadCart');
  });

  it('asks for two ids', async () => {
    mockApi({});
    renderAt('/compare', '/compare', <ComparePage />);
    expect(await screen.findByText(/Pick two traces/)).toBeInTheDocument();
  });
});
