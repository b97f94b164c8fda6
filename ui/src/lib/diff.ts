// Differential compare of two call trees: same call path in both traces, what got slower or faster.
import type { CallTreeNode } from './callTree';

export interface DiffNode {
  key: string;
  name: string;
  aMs: number;
  bMs: number;
  aSelfMs: number;
  bSelfMs: number;
  aCalls: number;
  bCalls: number;
  deltaMs: number;
  children: DiffNode[];
}

/** Merges two forests by call path (function names from the root); same-named siblings are summed. */
export function diffTrees(a: CallTreeNode[], b: CallTreeNode[]): DiffNode[] {
  const root = emptyNode('', '');
  const stack: Array<{ target: DiffNode; nodes: CallTreeNode[]; side: 'a' | 'b' }> = [
    { target: root, nodes: a, side: 'a' },
    { target: root, nodes: b, side: 'b' },
  ];
  const index = new Map<DiffNode, Map<string, DiffNode>>();
  while (stack.length) {
    const { target, nodes, side } = stack.pop()!;
    let children = index.get(target);
    if (!children) {
      children = new Map();
      index.set(target, children);
    }
    for (const node of nodes) {
      let merged = children.get(node.name);
      if (!merged) {
        merged = emptyNode(`${target.key}/${node.name}`, node.name);
        children.set(node.name, merged);
        target.children.push(merged);
      }
      if (side === 'a') {
        merged.aMs += node.totalMs;
        merged.aSelfMs += node.selfMs;
        merged.aCalls++;
      } else {
        merged.bMs += node.totalMs;
        merged.bSelfMs += node.selfMs;
        merged.bCalls++;
      }
      if (node.children.length) stack.push({ target: merged, nodes: node.children, side });
    }
  }
  finish(root);
  return root.children;
}

function emptyNode(key: string, name: string): DiffNode {
  return { key, name, aMs: 0, bMs: 0, aSelfMs: 0, bSelfMs: 0, aCalls: 0, bCalls: 0, deltaMs: 0, children: [] };
}

function finish(root: DiffNode): void {
  const stack = [root];
  while (stack.length) {
    const node = stack.pop()!;
    node.deltaMs = node.bMs - node.aMs;
    node.children.sort((x, y) => Math.abs(y.bMs - y.aMs) - Math.abs(x.bMs - x.aMs) || x.name.localeCompare(y.name));
    stack.push(...node.children);
  }
}

/** -1..1: how much of the larger side the change is (for colouring). */
export function changeRatio(node: Pick<DiffNode, 'aMs' | 'bMs'>): number {
  const base = Math.max(node.aMs, node.bMs);
  return base > 0 ? (node.bMs - node.aMs) / base : 0;
}

export interface FunctionChange {
  name: string;
  aSelfMs: number;
  bSelfMs: number;
  deltaMs: number;
}

/** Per-function self-time change across the whole tree, biggest change first. */
export function functionChanges(roots: DiffNode[], limit = 20): FunctionChange[] {
  const byName = new Map<string, FunctionChange>();
  const stack = [...roots];
  while (stack.length) {
    const node = stack.pop()!;
    const entry = byName.get(node.name) ?? { name: node.name, aSelfMs: 0, bSelfMs: 0, deltaMs: 0 };
    entry.aSelfMs += node.aSelfMs;
    entry.bSelfMs += node.bSelfMs;
    entry.deltaMs = entry.bSelfMs - entry.aSelfMs;
    byName.set(node.name, entry);
    stack.push(...node.children);
  }
  return [...byName.values()]
    .filter((c) => c.deltaMs !== 0)
    .sort((x, y) => Math.abs(y.deltaMs) - Math.abs(x.deltaMs) || x.name.localeCompare(y.name))
    .slice(0, limit);
}
