import { buildCallTree, type CallTreeNode } from './callTree';
import { deltaColor, hitTest, layoutFlame, nameColor } from './flame';
import { callNode, wideStack } from '../test/fixtures';

const total = (n: CallTreeNode) => n.totalMs;

describe('layoutFlame', () => {
  const tree = buildCallTree([
    callNode('a', null, 'main', 100, { start_ts: 0 }),
    callNode('b', 'a', 'left', 50, { start_ts: 1 }),
    callNode('c', 'a', 'right', 25, { start_ts: 2 }),
    callNode('d', 'b', 'deep', 10, { start_ts: 3 }),
  ]);

  it('sizes frames by their share of the root and places siblings side by side', () => {
    const { rects, maxDepth } = layoutFlame(tree, total);
    const byName = Object.fromEntries(rects.map((r) => [r.node.name, r]));
    expect(byName.main).toMatchObject({ x: 0, width: 1, depth: 0 });
    expect(byName.left).toMatchObject({ x: 0, width: 0.5, depth: 1 });
    expect(byName.right).toMatchObject({ x: 0.5, width: 0.25, depth: 1 });
    expect(byName.deep).toMatchObject({ x: 0, width: 0.1, depth: 2 });
    expect(maxDepth).toBe(2);
  });

  it('finds the frame under a point', () => {
    const { rects } = layoutFlame(tree, total);
    expect(hitTest(rects, 0.6, 1)?.node.name).toBe('right');
    expect(hitTest(rects, 0.9, 1)).toBeUndefined();
    expect(hitTest(rects, 0.05, 2)?.node.name).toBe('deep');
  });

  it('squeezes children that add up to more than their parent', () => {
    const t = buildCallTree([callNode('a', null, 'p', 10), callNode('b', 'a', 'x', 10), callNode('c', 'a', 'y', 10)]);
    const { rects } = layoutFlame(t, total);
    const kids = rects.filter((r) => r.depth === 1);
    expect(kids.reduce((s, r) => s + r.width, 0)).toBeCloseTo(1);
  });

  it('drops frames narrower than the minimum width', () => {
    const wide = buildCallTree(wideStack(10_000));
    const all = layoutFlame(wide, total).rects.length;
    const pruned = layoutFlame(wide, total, 0.5 / 1000).rects.length;
    expect(all).toBe(10_000);
    expect(pruned).toBeLessThan(all);
    expect(pruned).toBeGreaterThan(0);
  });

  it('returns nothing for an empty or zero-time tree', () => {
    expect(layoutFlame([], total).rects).toEqual([]);
    expect(layoutFlame(buildCallTree([callNode('a', null, 'z', 0)]), total).rects).toEqual([]);
  });
});

describe('colours', () => {
  it('gives a function the same colour every time', () => {
    expect(nameColor('PDO::query')).toBe(nameColor('PDO::query'));
  });
  it('colours slower red, faster blue, unchanged grey', () => {
    expect(deltaColor(0.5)).toMatch(/^hsl\(2,/);
    expect(deltaColor(-0.5)).toMatch(/^hsl\(215,/);
    expect(deltaColor(0)).toBe('hsl(0, 0%, 82%)');
  });
});
