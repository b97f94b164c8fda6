import { fireEvent, render, screen, within } from '@testing-library/react';
import { DataTable, type Column } from './DataTable';

interface Row {
  name: string;
  ms: number;
}
const columns: Column<Row>[] = [
  { key: 'name', header: 'Name', render: (r) => r.name, sortValue: (r) => r.name },
  { key: 'ms', header: 'Time', render: (r) => `${r.ms} ms`, sortValue: (r) => r.ms },
];
const rows = [
  { name: 'b', ms: 5 },
  { name: 'a', ms: 50 },
  { name: 'c', ms: 1 },
];
const names = () => screen.getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell')[0].textContent);

describe('DataTable', () => {
  it('keeps the given order until a header is clicked, then sorts descending, then ascending', () => {
    render(<DataTable columns={columns} rows={rows} rowKey={(r) => r.name} />);
    expect(names()).toEqual(['b', 'a', 'c']);
    fireEvent.click(screen.getByText('Time'));
    expect(names()).toEqual(['a', 'b', 'c']);
    fireEvent.click(screen.getByText(/Time/));
    expect(names()).toEqual(['c', 'b', 'a']);
  });

  it('shows the empty message', () => {
    render(<DataTable columns={columns} rows={[]} rowKey={(r) => r.name} empty="nothing here" />);
    expect(screen.getByText('nothing here')).toBeInTheDocument();
  });
});
