// Dense sortable table used by every list view. Sorting is client-side over the rows given.
import { useMemo, useState, type ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: string;
  render: (row: T) => ReactNode;
  /** Enables sorting on this column. */
  sortValue?: (row: T) => number | string;
  align?: 'left' | 'right';
  width?: string;
  title?: string;
}

interface Props<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  initialSort?: { key: string; desc: boolean };
  rowClassName?: (row: T) => string | undefined;
  empty?: ReactNode;
  testId?: string;
}

export function DataTable<T>({ columns, rows, rowKey, initialSort, rowClassName, empty, testId }: Props<T>) {
  const [sort, setSort] = useState(initialSort);
  const sorted = useMemo(() => {
    const column = sort && columns.find((c) => c.key === sort.key);
    if (!column?.sortValue) return rows;
    const value = column.sortValue;
    const factor = sort!.desc ? -1 : 1;
    // Array.prototype.sort is stable, so equal values keep the API's order.
    return [...rows].sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      return (va < vb ? -1 : va > vb ? 1 : 0) * factor;
    });
  }, [rows, columns, sort]);

  const toggle = (column: Column<T>) => {
    if (!column.sortValue) return;
    setSort((s) => ({ key: column.key, desc: s?.key === column.key ? !s.desc : true }));
  };

  return (
    <table className="data-table" data-testid={testId}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th
              key={c.key}
              style={{ width: c.width, textAlign: c.align ?? 'left' }}
              className={c.sortValue ? 'sortable' : undefined}
              onClick={() => toggle(c)}
              title={c.title}
              aria-sort={sort?.key === c.key ? (sort.desc ? 'descending' : 'ascending') : undefined}
            >
              {c.header}
              {sort?.key === c.key ? (sort.desc ? ' ▾' : ' ▴') : ''}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {sorted.length === 0 ? (
          <tr>
            <td colSpan={columns.length} className="empty-row">
              {empty ?? 'No data in this time range.'}
            </td>
          </tr>
        ) : (
          sorted.map((row) => (
            <tr key={rowKey(row)} className={rowClassName?.(row)}>
              {columns.map((c) => (
                <td key={c.key} style={{ textAlign: c.align ?? 'left' }}>
                  {c.render(row)}
                </td>
              ))}
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
