import { callNode } from '../test/fixtures';
import { buildCallTree } from './callTree';
import { changeRatio, diffTrees, functionChanges } from './diff';

describe('diffTrees', () => {
  const a = buildCallTree([
    callNode('1', null, 'main', 100),
    callNode('2', '1', 'loadProducts', 60),
    callNode('3', '1', 'render', 30),
    callNode('4', '2', 'query', 50),
  ]);
  const b = buildCallTree([
    callNode('1', null, 'main', 250),
    callNode('2', '1', 'loadProducts', 200),
    callNode('3', '1', 'render', 30),
    callNode('4', '2', 'query', 20),
    callNode('5', '2', 'query', 20),
    callNode('6', '2', 'query', 20),
    callNode('7', '1', 'audit', 15),
  ]);
  const diff = diffTrees(a, b);

  it('merges the same call path from both traces', () => {
    expect(diff).toHaveLength(1);
    const main = diff[0];
    expect(main).toMatchObject({ name: 'main', aMs: 100, bMs: 250, deltaMs: 150 });
  });

  it('sorts children by the size of their change and sums repeated siblings', () => {
    const [main] = diff;
    expect(main.children.map((c) => c.name)).toEqual(['loadProducts', 'audit', 'render']);
    const query = main.children[0].children[0];
    expect(query).toMatchObject({ name: 'query', aMs: 50, bMs: 60, aCalls: 1, bCalls: 3 });
  });

  it('marks paths present in only one trace', () => {
    const audit = diff[0].children.find((c) => c.name === 'audit')!;
    expect(audit).toMatchObject({ aCalls: 0, bCalls: 1, aMs: 0, bMs: 15 });
    expect(changeRatio(audit)).toBe(1);
    expect(changeRatio(diff[0].children.find((c) => c.name === 'render')!)).toBe(0);
  });

  it('ranks functions by self-time change', () => {
    const changes = functionChanges(diff);
    expect(changes[0]).toMatchObject({ name: 'loadProducts', aSelfMs: 10, bSelfMs: 140, deltaMs: 130 });
    expect(changes.map((c) => c.name)).not.toContain('render');
  });

  it('compares against an empty trace', () => {
    const onlyB = diffTrees([], b);
    expect(onlyB[0]).toMatchObject({ aMs: 0, bMs: 250 });
  });
});
