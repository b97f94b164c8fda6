// Small presentational pieces shared by the views.
import type { ReactNode } from 'react';

export function StatusBadge({ status, code }: { status: string; code?: number | null }) {
  const bad = status === 'error' || (code !== undefined && code !== null && code >= 500);
  return <span className={`badge ${bad ? 'badge-error' : 'badge-ok'}`}>{code ?? status}</span>;
}

export function LevelBadge({ level }: { level: string }) {
  return <span className={`badge level-${level.toLowerCase()}`}>{level}</span>;
}

export function Loading({ what = 'data' }: { what?: string }) {
  return <div className="loading">Loading {what}…</div>;
}

export function ErrorBox({ error }: { error: string }) {
  return (
    <div className="error-box" role="alert">
      {error}
    </div>
  );
}

export function Panel({ title, actions, children, testId }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className="panel" data-testid={testId}>
      {(title || actions) && (
        <header className="panel-head">
          <h2>{title}</h2>
          <div className="panel-actions">{actions}</div>
        </header>
      )}
      {children}
    </section>
  );
}

export function Stat({ label, value, tone }: { label: string; value: ReactNode; tone?: 'bad' | 'good' }) {
  return (
    <div className={`stat ${tone ? `stat-${tone}` : ''}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
    </div>
  );
}

/** Renders the state of a `useApi` load: error/loading placeholders, else the children. */
export function Async<T>({
  state,
  what,
  children,
}: {
  state: { data: T | undefined; error: string | undefined; loading: boolean };
  what?: string;
  children: (data: T) => ReactNode;
}) {
  if (state.data === undefined) {
    if (state.error) return <ErrorBox error={state.error} />;
    return <Loading what={what} />;
  }
  return (
    <>
      {state.error && <ErrorBox error={state.error} />}
      {children(state.data)}
    </>
  );
}
