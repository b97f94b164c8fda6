// The trace search form lives in the URL, so a search can be bookmarked and shared.
import type { TraceQuery } from '../../api/client';
import { rangeParams } from '../../lib/timeRange';

export const PAGE_SIZE = 50;

export function queryFromParams(params: URLSearchParams): TraceQuery {
  const num = (key: string) => {
    const raw = params.get(key);
    if (raw === null || raw.trim() === '') return undefined;
    const n = Number(raw);
    return Number.isFinite(n) ? n : undefined;
  };
  const status = params.get('status');
  const sort = params.get('sort');
  const order = params.get('order');
  return {
    service: params.get('service') || undefined,
    name: params.get('name') || undefined,
    status: status === 'ok' || status === 'error' ? status : undefined,
    min_ms: num('min_ms'),
    max_ms: num('max_ms'),
    tag: params.getAll('tag').filter(Boolean),
    q: params.get('q') || undefined,
    sort: sort === 'duration' ? 'duration' : 'time',
    order: order === 'asc' ? 'asc' : 'desc',
    limit: PAGE_SIZE,
    offset: num('offset') ?? 0,
  };
}

/** Form fields → URL params (keeps range, drops empty fields, resets paging). */
export function paramsFromForm(current: URLSearchParams, form: Record<string, string>): URLSearchParams {
  const next = rangeParams(current);
  for (const [key, value] of Object.entries(form)) {
    if (key === 'tag') {
      value
        .split(/[\s,]+/)
        .filter((t) => t.includes(':'))
        .forEach((t) => next.append('tag', t));
    } else if (value.trim() !== '') next.set(key, value.trim());
  }
  return next;
}
