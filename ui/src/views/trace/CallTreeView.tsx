// Call tree: expand/collapse, self vs total wall and CPU, memory; a "hot functions" ranking; details of
// the clicked call. The table is virtualised: only the rows on screen are in the DOM, so a
// 10,000-node tree stays responsive.
import { useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  ancestorsOfMatches,
  expandToDepth,
  hotPath,
  visibleRows,
  type CallTreeNode,
  type VisibleRow,
} from '../../lib/callTree';
import { formatBytes, formatMs } from '../../lib/format';
import { CallDetail } from './CallDetail';
import { HotFunctions } from './HotFunctions';

const ROW_HEIGHT = 24;

export function CallTreeView({ roots, totalMs }: { roots: CallTreeNode[]; totalMs: number }) {
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set([...expandToDepth(roots, 2), ...hotPath(roots)]));
  const [filter, setFilter] = useState('');
  const [mode, setMode] = useState<'tree' | 'functions'>('tree');
  const [selected, setSelected] = useState<CallTreeNode | null>(null);
  const rows = useMemo(() => visibleRows(roots, expanded), [roots, expanded]);
  const matches = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return needle ? ancestorsOfMatches(roots, needle) : null;
  }, [roots, filter]);

  const toggle = (id: string) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  if (roots.length === 0) return <div className="empty-state">No call tree was recorded for this trace.</div>;
  const scale = totalMs > 0 ? totalMs : Math.max(...roots.map((r) => r.totalMs), 1);

  return (
    <div className="call-tree" data-testid="call-tree">
      <div className="toolbar">
        <div className="segmented" role="group" aria-label="Call tree view">
          <button className={mode === 'tree' ? 'active' : undefined} onClick={() => setMode('tree')}>
            Tree
          </button>
          <button className={mode === 'functions' ? 'active' : undefined} onClick={() => setMode('functions')}>
            Hot functions
          </button>
        </div>
        {mode === 'tree' && (
          <>
            <button onClick={() => setExpanded(hotPath(roots))}>Hot path</button>
            <button onClick={() => setExpanded(expandToDepth(roots, Number.MAX_SAFE_INTEGER))}>Expand all</button>
            <button onClick={() => setExpanded(new Set())}>Collapse all</button>
            <input
              aria-label="Find function"
              placeholder="Find function…"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && matches) setExpanded(new Set([...expanded, ...matches.ancestors]));
              }}
            />
            {matches && (
              <span className="small muted">
                {matches.hits.size} match{matches.hits.size === 1 ? '' : 'es'} — Enter to reveal
              </span>
            )}
            <span className="small muted right" data-testid="call-tree-count">
              {rows.length} rows shown
            </span>
          </>
        )}
      </div>
      {mode === 'functions' ? (
        <HotFunctions roots={roots} totalMs={scale} />
      ) : (
        <>
          <VirtualTree
            rows={rows}
            expanded={expanded}
            hits={matches?.hits}
            selected={selected}
            scale={scale}
            onToggle={toggle}
            onSelect={setSelected}
          />
          {selected ? (
            <CallDetail node={selected} />
          ) : (
            <div className="small muted call-detail">
              Click a row to see its file, times and the SQL, HTTP and cache calls it made.
            </div>
          )}
        </>
      )}
    </div>
  );
}

interface TreeProps {
  rows: VisibleRow[];
  expanded: ReadonlySet<string>;
  hits: ReadonlySet<string> | undefined;
  selected: CallTreeNode | null;
  scale: number;
  onToggle: (id: string) => void;
  onSelect: (node: CallTreeNode) => void;
}

function VirtualTree({ rows, expanded, hits, selected, scale, onToggle, onSelect }: TreeProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
    initialRect: { width: 1000, height: 600 },
  });
  return (
    <>
      <div className="tree-header tree-row">
        <div className="tree-fn">Function</div>
        <div className="num">Total wall</div>
        <div className="num">Self wall</div>
        <div className="num">Total CPU</div>
        <div className="num">Self CPU</div>
        <div className="num">Memory</div>
        <div className="num">SQL</div>
        <div className="tree-share">% of request</div>
      </div>
      <div className="tree-scroll" ref={scrollRef}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const { node, depth } = rows[item.index];
            const open = expanded.has(node.id);
            const classes = ['tree-row', hits?.has(node.id) && 'tree-hit', selected === node && 'tree-selected'];
            return (
              <div
                key={node.id}
                className={classes.filter(Boolean).join(' ')}
                onClick={() => onSelect(node)}
                style={{ position: 'absolute', top: 0, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT, width: '100%' }}
                data-testid="call-row"
              >
                <div className="tree-fn" style={{ paddingLeft: depth * 14 }} title={location(node)}>
                  {node.children.length > 0 ? (
                    <button
                      className="twisty"
                      aria-label={open ? 'collapse' : 'expand'}
                      onClick={(e) => {
                        e.stopPropagation();
                        onToggle(node.id);
                      }}
                    >
                      {open ? '▾' : '▸'}
                    </button>
                  ) : (
                    <span className="twisty-space" />
                  )}
                  <span className="mono">{node.name}</span>
                  {node.children.length > 0 && !open && <span className="muted small"> ({node.children.length})</span>}
                </div>
                <div className="num">{formatMs(node.totalMs)}</div>
                <div className="num">{formatMs(node.selfMs)}</div>
                <div className="num">{formatMs(node.cpuTotalMs)}</div>
                <div className="num">{formatMs(node.cpuSelfMs)}</div>
                <div className="num">{formatBytes(node.memoryBytes)}</div>
                <div className="num">{node.sqlCount || ''}</div>
                <div className="tree-share">
                  <div className="share-bar" style={{ width: `${Math.min(100, (node.totalMs / scale) * 100)}%` }} />
                  <div className="share-self" style={{ width: `${Math.min(100, (node.selfMs / scale) * 100)}%` }} />
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </>
  );
}

function location(node: CallTreeNode): string {
  return node.file ? `${node.name} — ${node.file}${node.line ? `:${node.line}` : ''}` : node.name;
}
