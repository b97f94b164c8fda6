// SQL and outgoing HTTP per request, for the RED tables (services, endpoints): statements or calls per request
// and their time per request, as the API computes them for sampled and unsampled requests alike.
import type { RequestIoFigures } from '../api/types';
import { formatMs } from '../lib/format';
import type { Column } from './DataTable';

function perRequest(count: number | null | undefined, ms: number | null | undefined): string {
  if (count === null || count === undefined) return '—';
  return `${count.toFixed(count < 10 ? 1 : 0)} · ${formatMs(ms ?? 0)}`;
}

export function requestIoColumns<T extends RequestIoFigures>(): Column<T>[] {
  return [
    {
      key: 'sql_per_request',
      header: 'SQL / request',
      align: 'right',
      render: (r) => perRequest(r.sql_per_request, r.sql_ms_per_request),
      sortValue: (r) => r.sql_ms_per_request ?? 0,
    },
    {
      key: 'http_per_request',
      header: 'HTTP out / request',
      align: 'right',
      render: (r) => perRequest(r.http_per_request, r.http_ms_per_request),
      sortValue: (r) => r.http_ms_per_request ?? 0,
    },
  ];
}
