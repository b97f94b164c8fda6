import type { ReactNode } from 'react';

export interface Tab {
  key: string;
  label: ReactNode;
}

export function Tabs({ tabs, active, onSelect }: { tabs: Tab[]; active: string; onSelect: (key: string) => void }) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map((t) => (
        <button
          key={t.key}
          role="tab"
          aria-selected={t.key === active}
          className={t.key === active ? 'tab active' : 'tab'}
          onClick={() => onSelect(t.key)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
