// Functions ranked by self time across the whole call tree (recursion counted once in total time).
import { useMemo } from 'react';
import { functionTotals, type CallTreeNode, type FunctionTotals } from '../../lib/callTree';
import { DataTable, type Column } from '../../components/DataTable';
import { formatMs } from '../../lib/format';

const LIMIT = 200;

export function HotFunctions({ roots, totalMs }: { roots: CallTreeNode[]; totalMs: number }) {
  const rows = useMemo(() => functionTotals(roots).slice(0, LIMIT), [roots]);
  const columns: Column<FunctionTotals>[] = [
    { key: 'name', header: 'Function', render: (r) => <span className="mono">{r.name}</span>, sortValue: (r) => r.name },
    { key: 'calls', header: 'Calls', align: 'right', render: (r) => r.calls, sortValue: (r) => r.calls },
    { key: 'self', header: 'Self wall', align: 'right', render: (r) => formatMs(r.selfMs), sortValue: (r) => r.selfMs },
    {
      key: 'share',
      header: '% self',
      align: 'right',
      render: (r) => (totalMs > 0 ? `${((r.selfMs / totalMs) * 100).toFixed(1)}%` : '—'),
      sortValue: (r) => r.selfMs,
    },
    { key: 'cpu', header: 'Self CPU', align: 'right', render: (r) => formatMs(r.cpuSelfMs), sortValue: (r) => r.cpuSelfMs },
    { key: 'total', header: 'Total wall', align: 'right', render: (r) => formatMs(r.totalMs), sortValue: (r) => r.totalMs },
  ];
  return <DataTable testId="hot-functions" columns={columns} rows={rows} rowKey={(r) => r.name} />;
}
