// Differential call tree: call paths merged from both traces, children sorted by biggest change.
import { useMemo, useState } from 'react';
import { changeRatio, type DiffNode } from '../../lib/diff';
import { deltaColor } from '../../lib/flame';
import { formatDeltaMs, formatMs } from '../../lib/format';

interface Row {
  node: DiffNode;
  depth: number;
}

const MAX_ROWS = 2000;

function rowsOf(roots: DiffNode[], expanded: ReadonlySet<string>): Row[] {
  const rows: Row[] = [];
  const stack: Row[] = [...roots].reverse().map((node) => ({ node, depth: 0 }));
  while (stack.length && rows.length < MAX_ROWS) {
    const row = stack.pop()!;
    rows.push(row);
    if (expanded.has(row.node.key)) {
      for (let i = row.node.children.length - 1; i >= 0; i--) stack.push({ node: row.node.children[i], depth: row.depth + 1 });
    }
  }
  return rows;
}

/** Opens the path of the largest change at each level, so the regression is visible at once. */
function biggestChangePath(roots: DiffNode[]): Set<string> {
  const keys = new Set<string>();
  let level = roots;
  while (level.length) {
    const top = level[0]; // children are sorted by |change|
    if (!top.children.length) break;
    keys.add(top.key);
    level = top.children;
  }
  return keys;
}

export function DiffTreeView({ roots }: { roots: DiffNode[] }) {
  const [expanded, setExpanded] = useState(() => biggestChangePath(roots));
  const rows = useMemo(() => rowsOf(roots, expanded), [roots, expanded]);
  if (roots.length === 0) return <div className="empty-state">Neither trace has call-tree data.</div>;
  const toggle = (key: string) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  return (
    <table className="data-table diff-tree" data-testid="diff-tree">
      <thead>
        <tr>
          <th>Call path</th>
          <th className="num">A total</th>
          <th className="num">B total</th>
          <th className="num">Change</th>
          <th className="num">Calls A → B</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ node, depth }) => (
          <tr key={node.key} data-testid="diff-row">
            <td style={{ paddingLeft: 6 + depth * 14 }}>
              {node.children.length ? (
                <button className="twisty" onClick={() => toggle(node.key)} aria-label={expanded.has(node.key) ? 'collapse' : 'expand'}>
                  {expanded.has(node.key) ? '▾' : '▸'}
                </button>
              ) : (
                <span className="twisty-space" />
              )}
              <span className="mono">{node.name}</span>
              {node.aCalls === 0 && <span className="badge badge-error">new in B</span>}
              {node.bCalls === 0 && <span className="badge badge-ok">only in A</span>}
            </td>
            <td className="num">{formatMs(node.aMs)}</td>
            <td className="num">{formatMs(node.bMs)}</td>
            <td className="num">
              <span className="delta" style={{ background: deltaColor(changeRatio(node)) }}>
                {formatDeltaMs(node.deltaMs)}
              </span>
            </td>
            <td className="num">
              {node.aCalls} → {node.bCalls}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
