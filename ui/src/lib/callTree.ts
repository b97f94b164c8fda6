// Builds the call tree of a span from its flat call-node list (protocol §3.1 "stack").
import type { CallNode } from '../api/types';

export interface CallTreeNode {
  id: string;
  name: string;
  file: string | null;
  line: number | null;
  startTs: number | null;
  totalMs: number;
  selfMs: number;
  cpuTotalMs: number;
  cpuSelfMs: number;
  memoryBytes: number;
  sqlCount: number;
  httpCount: number;
  depth: number;
  children: CallTreeNode[];
  source: CallNode;
}

export function functionName(node: Pick<CallNode, 'class' | 'function'>): string {
  return node.class ? `${node.class}::${node.function}` : node.function || '{unknown}';
}

function toTreeNode(source: CallNode): CallTreeNode {
  return {
    id: source.call_id,
    name: functionName(source),
    file: source.file ?? null,
    line: source.line ?? null,
    startTs: source.start_ts ?? null,
    totalMs: Math.max(0, source.duration_ms ?? 0),
    selfMs: 0,
    cpuTotalMs: Math.max(0, source.cpu_ms ?? 0),
    cpuSelfMs: 0,
    memoryBytes: source.memory_delta ?? 0,
    sqlCount: Array.isArray(source.sql_queries) ? source.sql_queries.length : 0,
    httpCount: Array.isArray(source.http_requests) ? source.http_requests.length : 0,
    depth: 0,
    children: [],
    source,
  };
}

function byStart(a: CallTreeNode, b: CallTreeNode): number {
  if (a.startTs === null || b.startTs === null) return 0; // keep arrival order (legacy data has no start)
  return a.startTs - b.startTs;
}

/**
 * Links nodes by parent_id. Nodes whose parent is missing become roots; nodes caught in a parent cycle
 * are attached as roots too, so nothing received is hidden. Iterative: a 10,000-deep chain is fine.
 */
export function buildCallTree(stack: CallNode[] | null | undefined): CallTreeNode[] {
  if (!stack || stack.length === 0) return [];
  const nodes = new Map<string, CallTreeNode>();
  for (const call of stack) {
    if (call && call.call_id && !nodes.has(call.call_id)) nodes.set(call.call_id, toTreeNode(call));
  }
  const roots: CallTreeNode[] = [];
  for (const node of nodes.values()) {
    const parentId = node.source.parent_id;
    const parent = parentId && parentId !== node.id ? nodes.get(parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const visited = new Set<string>();
  walkAndMeasure(roots, visited);
  const cyclic = [...nodes.values()].filter((n) => !visited.has(n.id));
  for (const node of cyclic) {
    if (visited.has(node.id)) continue;
    node.children = node.children.filter((c) => !visited.has(c.id) && c !== node);
    roots.push(node);
    walkAndMeasure([node], visited);
  }
  roots.sort(byStart);
  return roots;
}

function walkAndMeasure(roots: CallTreeNode[], visited: Set<string>): void {
  const stack: Array<{ node: CallTreeNode; depth: number }> = roots.map((node) => ({ node, depth: 0 }));
  const order: CallTreeNode[] = [];
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (visited.has(node.id)) continue;
    visited.add(node.id);
    node.depth = depth;
    node.children = node.children.filter((c) => !visited.has(c.id));
    node.children.sort(byStart);
    order.push(node);
    for (const child of node.children) stack.push({ node: child, depth: depth + 1 });
  }
  for (const node of order) {
    const childWall = node.children.reduce((sum, c) => sum + c.totalMs, 0);
    const childCpu = node.children.reduce((sum, c) => sum + c.cpuTotalMs, 0);
    node.selfMs = Math.max(0, node.totalMs - childWall);
    node.cpuSelfMs = Math.max(0, node.cpuTotalMs - childCpu);
  }
}

export interface VisibleRow {
  node: CallTreeNode;
  depth: number;
}

/** Rows shown by the tree table: children of expanded nodes only, in display order. */
export function visibleRows(roots: CallTreeNode[], expanded: ReadonlySet<string>): VisibleRow[] {
  const rows: VisibleRow[] = [];
  const stack: VisibleRow[] = [...roots].reverse().map((node) => ({ node, depth: 0 }));
  while (stack.length) {
    const row = stack.pop()!;
    rows.push(row);
    if (expanded.has(row.node.id)) {
      for (let i = row.node.children.length - 1; i >= 0; i--) {
        stack.push({ node: row.node.children[i], depth: row.depth + 1 });
      }
    }
  }
  return rows;
}

/** Ids to expand so that the first `levels` levels are open (the initial view). */
export function expandToDepth(roots: CallTreeNode[], levels: number): Set<string> {
  const ids = new Set<string>();
  const stack = roots.map((node) => ({ node, depth: 0 }));
  while (stack.length) {
    const { node, depth } = stack.pop()!;
    if (depth >= levels || node.children.length === 0) continue;
    ids.add(node.id);
    for (const child of node.children) stack.push({ node: child, depth: depth + 1 });
  }
  return ids;
}

/** Ids along the hottest path: each level's child with the largest total time. */
export function hotPath(roots: CallTreeNode[]): Set<string> {
  const ids = new Set<string>();
  let level = roots;
  while (level.length) {
    const hottest = level.reduce((best, n) => (n.totalMs > best.totalMs ? n : best), level[0]);
    if (hottest.children.length === 0) break;
    ids.add(hottest.id);
    level = hottest.children;
  }
  return ids;
}

export function countNodes(roots: CallTreeNode[]): number {
  let count = 0;
  const stack = [...roots];
  while (stack.length) {
    const node = stack.pop()!;
    count++;
    stack.push(...node.children);
  }
  return count;
}

export interface FunctionTotals {
  name: string;
  calls: number;
  selfMs: number;
  totalMs: number;
  cpuSelfMs: number;
}

/** Per-function totals ("hot functions"); recursion is not double-counted in totalMs. */
export function functionTotals(roots: CallTreeNode[]): FunctionTotals[] {
  const totals = new Map<string, FunctionTotals>();
  const stack: Array<{ node: CallTreeNode; ancestors: Set<string> }> = roots.map((node) => ({
    node,
    ancestors: new Set<string>(),
  }));
  while (stack.length) {
    const { node, ancestors } = stack.pop()!;
    const entry = totals.get(node.name) ?? { name: node.name, calls: 0, selfMs: 0, totalMs: 0, cpuSelfMs: 0 };
    entry.calls++;
    entry.selfMs += node.selfMs;
    entry.cpuSelfMs += node.cpuSelfMs;
    if (!ancestors.has(node.name)) entry.totalMs += node.totalMs;
    totals.set(node.name, entry);
    if (node.children.length) {
      const next = new Set(ancestors).add(node.name);
      for (const child of node.children) stack.push({ node: child, ancestors: next });
    }
  }
  return [...totals.values()].sort((a, b) => b.selfMs - a.selfMs || a.name.localeCompare(b.name));
}

/** Nodes whose name contains `needle` (lower case) and every ancestor needed to reveal them. */
export function ancestorsOfMatches(roots: CallTreeNode[], needle: string): { hits: Set<string>; ancestors: Set<string> } {
  const hits = new Set<string>();
  const ancestors = new Set<string>();
  const parent = new Map<CallTreeNode, CallTreeNode>();
  const stack = [...roots];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.name.toLowerCase().includes(needle)) {
      hits.add(node.id);
      for (let up = parent.get(node); up && !ancestors.has(up.id); up = parent.get(up)) ancestors.add(up.id);
    }
    for (const child of node.children) {
      parent.set(child, node);
      stack.push(child);
    }
  }
  return { hits, ancestors };
}
