// Flame-graph layout: each node becomes a rectangle whose width is its share of the root's value.

export interface FlameInput<T> {
  children: T[];
}

export interface FlameRect<T> {
  node: T;
  x: number; // 0..1 of the full width
  width: number; // 0..1
  depth: number;
}

/**
 * Lays out `roots` side by side under one implicit root. Rectangles narrower than `minWidth` (and
 * their subtrees) are dropped: they would be under a pixel, and skipping them keeps 10,000-node
 * trees cheap to draw.
 */
export function layoutFlame<T extends FlameInput<T>>(
  roots: T[],
  value: (node: T) => number,
  minWidth = 0,
): { rects: FlameRect<T>[]; maxDepth: number; total: number } {
  const total = roots.reduce((sum, r) => sum + Math.max(0, value(r)), 0);
  const rects: FlameRect<T>[] = [];
  if (total <= 0) return { rects, maxDepth: 0, total: 0 };
  let maxDepth = 0;
  const stack: Array<{ nodes: T[]; x: number; depth: number; scale: number }> = [
    { nodes: roots, x: 0, depth: 0, scale: 1 / total },
  ];
  while (stack.length) {
    const { nodes, x, depth, scale } = stack.pop()!;
    let cursor = x;
    for (const node of nodes) {
      const width = Math.max(0, value(node)) * scale;
      if (width > 0 && width >= minWidth) {
        rects.push({ node, x: cursor, width, depth });
        maxDepth = Math.max(maxDepth, depth);
        if (node.children.length) {
          // Children never overflow their parent even when their times add up to more.
          const childSum = node.children.reduce((sum, c) => sum + Math.max(0, value(c)), 0);
          const childScale = childSum * scale > width ? width / childSum : scale;
          stack.push({ nodes: node.children, x: cursor, depth: depth + 1, scale: childScale });
        }
      }
      cursor += width;
    }
  }
  return { rects, maxDepth, total };
}

/** The rectangle under a point, or undefined. `x` in 0..1, `depth` a row index. */
export function hitTest<T>(rects: FlameRect<T>[], x: number, depth: number): FlameRect<T> | undefined {
  return rects.find((r) => r.depth === depth && x >= r.x && x < r.x + r.width);
}

/** Stable colour per function name (warm palette, like the classic flame graph). */
export function nameColor(name: string): string {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
  const h = 10 + (Math.abs(hash) % 40);
  const l = 55 + (Math.abs(hash >> 8) % 15);
  return `hsl(${h}, 85%, ${l}%)`;
}

/** Colour for a change ratio in -1..1: red slower, blue faster, grey unchanged. */
export function deltaColor(ratio: number): string {
  const clamped = Math.max(-1, Math.min(1, ratio));
  if (Math.abs(clamped) < 0.02) return 'hsl(0, 0%, 82%)';
  const lightness = 88 - Math.abs(clamped) * 38;
  return clamped > 0 ? `hsl(2, 80%, ${lightness}%)` : `hsl(215, 80%, ${lightness}%)`;
}
