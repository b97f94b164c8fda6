// Service drop-down shared by the list pages.
import { api } from '../../api/client';
import { useApi } from '../../app/useApi';
import { useTimeRange } from '../../app/timeRange';

export function ServiceFilter({ value, onChange }: { value: string; onChange: (service: string) => void }) {
  const { range } = useTimeRange();
  const services = useApi(() => api.services(range), [range.from, range.to]);
  return (
    <label>
      Service
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-label="Service">
        <option value="">All services</option>
        {services.data?.items.map((s) => (
          <option key={s.service} value={s.service}>
            {s.service}
          </option>
        ))}
      </select>
    </label>
  );
}
