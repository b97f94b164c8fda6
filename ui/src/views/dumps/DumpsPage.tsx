// opa_dump() values, newest first.
import { useState } from 'react';
import { api } from '../../api/client';
import { useApi } from '../../app/useApi';
import { useTimeRange } from '../../app/timeRange';
import { DumpCard } from '../../components/DumpCard';
import { Pager } from '../../components/Pager';
import { Async, Panel } from '../../components/Status';
import { ServiceFilter } from '../shared/ServiceFilter';

const LIMIT = 50;

export function DumpsPage() {
  const { range } = useTimeRange();
  const [service, setService] = useState('');
  const [offset, setOffset] = useState(0);
  const state = useApi(
    () => api.dumps(range, { service: service || undefined, limit: LIMIT, offset }),
    [range.from, range.to, service, offset],
  );
  return (
    <div className="page">
      <h1>Dumps</h1>
      <div className="filters">
        <ServiceFilter value={service} onChange={(s) => { setService(s); setOffset(0); }} />
      </div>
      <Panel testId="dumps-panel">
        <Async state={state} what="dumps">
          {(page) => (
            <>
              {page.items.length === 0 && <div className="empty-state">No dumps in this time range. Call opa_dump($value) in PHP.</div>}
              {page.items.map((d, i) => (
                <DumpCard key={`${d.trace_id}-${d.ts}-${i}`} dump={d} />
              ))}
              <Pager offset={offset} limit={LIMIT} total={page.total} onChange={setOffset} />
            </>
          )}
        </Async>
      </Panel>
    </div>
  );
}
