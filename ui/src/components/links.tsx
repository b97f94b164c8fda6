// Links that keep the current ?range= when moving between views.
import { Link, useSearchParams } from 'react-router-dom';
import type { ReactNode } from 'react';
import { shortId } from '../lib/format';
import { rangeParams } from '../lib/timeRange';

export function useRangeSuffix(extra?: Record<string, string>): string {
  const [params] = useSearchParams();
  const next = rangeParams(params);
  for (const [k, v] of Object.entries(extra ?? {})) if (v) next.set(k, v);
  const text = next.toString();
  return text ? `?${text}` : '';
}

export function RangeLink({ to, query, children, className }: { to: string; query?: Record<string, string>; children: ReactNode; className?: string }) {
  const suffix = useRangeSuffix(query);
  return (
    <Link to={`${to}${suffix}`} className={className}>
      {children}
    </Link>
  );
}

export function TraceLink({ id, children }: { id: string; children?: ReactNode }) {
  return (
    <Link to={`/traces/${id}`} className="mono" title={id}>
      {children ?? shortId(id)}
    </Link>
  );
}

export function ServiceLink({ name }: { name: string }) {
  return <RangeLink to={`/services/${encodeURIComponent(name)}`}>{name}</RangeLink>;
}
