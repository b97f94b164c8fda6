// Offset paging for API lists ({items,total}).
interface Props {
  offset: number;
  limit: number;
  total: number;
  onChange: (offset: number) => void;
}

export function Pager({ offset, limit, total, onChange }: Props) {
  if (total <= limit && offset === 0) return <div className="pager muted">{total} total</div>;
  const last = Math.min(offset + limit, total);
  return (
    <div className="pager">
      <button disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>
        ‹ Prev
      </button>
      <span>
        {total === 0 ? 0 : offset + 1}–{last} of {total}
      </span>
      <button disabled={last >= total} onClick={() => onChange(offset + limit)}>
        Next ›
      </button>
    </div>
  );
}
