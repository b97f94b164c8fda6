import { callNode, wideStack } from '../test/fixtures';
import { ancestorsOfMatches, buildCallTree, countNodes, expandToDepth, functionName, functionTotals, hotPath, visibleRows } from './callTree';

describe('buildCallTree', () => {
  const stack = [
    callNode('c', 'a', 'query', 30, { class: 'PDO', start_ts: 20, cpu_ms: 5, memory_delta: 100 }),
    callNode('a', null, 'main', 100, { start_ts: 0, cpu_ms: 60, memory_delta: 1000 }),
    callNode('b', 'a', 'render', 50, { start_ts: 5, cpu_ms: 40, memory_delta: 500 }),
    callNode('d', 'b', 'escape', 10, { start_ts: 6, cpu_ms: 10 }),
  ];

  it('links nodes by parent id and orders siblings by start time', () => {
    const roots = buildCallTree(stack);
    expect(roots).toHaveLength(1);
    expect(roots[0].name).toBe('main');
    expect(roots[0].children.map((c) => c.name)).toEqual(['render', 'PDO::query']);
    expect(roots[0].children[0].children[0].depth).toBe(2);
  });

  it('computes self time as total minus children, for wall and CPU', () => {
    const [main] = buildCallTree(stack);
    expect(main.totalMs).toBe(100);
    expect(main.selfMs).toBe(20); // 100 - 50 - 30
    expect(main.cpuSelfMs).toBe(15); // 60 - 40 - 5
    const render = main.children[0];
    expect(render.selfMs).toBe(40);
    expect(render.cpuSelfMs).toBe(30);
    expect(render.memoryBytes).toBe(500);
  });

  it('never reports negative self time when children overlap', () => {
    const [root] = buildCallTree([callNode('r', null, 'r', 10), callNode('x', 'r', 'x', 8), callNode('y', 'r', 'y', 8)]);
    expect(root.selfMs).toBe(0);
  });

  it('keeps orphans and cyclic nodes visible as roots', () => {
    const roots = buildCallTree([
      callNode('r', null, 'root', 10),
      callNode('o', 'missing', 'orphan', 3),
      callNode('p', 'q', 'cycleP', 1),
      callNode('q', 'p', 'cycleQ', 1),
      callNode('s', 's', 'selfParent', 1),
    ]);
    expect(countNodes(roots)).toBe(5);
    expect(roots.map((r) => r.name)).toEqual(expect.arrayContaining(['root', 'orphan', 'selfParent']));
  });

  it('handles empty and legacy input', () => {
    expect(buildCallTree(undefined)).toEqual([]);
    expect(buildCallTree([])).toEqual([]);
    expect(functionName({ function: '' })).toBe('{unknown}');
    expect(functionName({ function: 'save', class: 'Order' })).toBe('Order::save');
  });

  it('builds a 10,000-deep chain without recursion', () => {
    const chain = Array.from({ length: 10_000 }, (_, i) => callNode(`n${i}`, i ? `n${i - 1}` : null, `f${i}`, 10_000 - i));
    const roots = buildCallTree(chain);
    expect(countNodes(roots)).toBe(10_000);
    expect(visibleRows(roots, expandToDepth(roots, Infinity))).toHaveLength(10_000);
    expect(hotPath(roots).size).toBe(9_999);
  });
});

describe('visible rows and expansion', () => {
  const roots = buildCallTree(wideStack(10_000));

  it('shows only children of expanded nodes', () => {
    expect(visibleRows(roots, new Set())).toHaveLength(1);
    expect(visibleRows(roots, new Set(['n0']))).toHaveLength(11);
    const rows = visibleRows(roots, new Set(['n0', 'n1']));
    expect(rows.map((r) => r.node.id).slice(0, 4)).toEqual(['n0', 'n1', 'n11', 'n12']);
    expect(rows[2].depth).toBe(2);
  });

  it('expands to a given depth', () => {
    const ids = expandToDepth(roots, 2);
    expect(visibleRows(roots, ids)).toHaveLength(1 + 10 + 100);
  });

  it('follows the hottest child at each level', () => {
    const tree = buildCallTree([
      callNode('a', null, 'main', 100),
      callNode('b', 'a', 'slow', 80),
      callNode('c', 'a', 'fast', 10),
      callNode('d', 'b', 'leaf', 70),
    ]);
    expect([...hotPath(tree)]).toEqual(['a', 'b']);
  });

  it('finds matches and the ancestors that reveal them', () => {
    const tree = buildCallTree([callNode('a', null, 'main', 10), callNode('b', 'a', 'Repo::find', 5), callNode('c', 'b', 'PDO::query', 4)]);
    const found = ancestorsOfMatches(tree, 'pdo::');
    expect([...found.hits]).toEqual(['c']);
    expect(found.ancestors).toEqual(new Set(['a', 'b']));
  });
});

describe('functionTotals', () => {
  it('sums self time per function and does not double count recursion', () => {
    const tree = buildCallTree([
      callNode('a', null, 'main', 100),
      callNode('b', 'a', 'walk', 60),
      callNode('c', 'b', 'walk', 40),
      callNode('d', 'a', 'other', 10),
    ]);
    const walk = functionTotals(tree).find((f) => f.name === 'walk')!;
    expect(walk.calls).toBe(2);
    expect(walk.selfMs).toBe(60); // 20 + 40
    expect(walk.totalMs).toBe(60); // outer call only
  });
});
