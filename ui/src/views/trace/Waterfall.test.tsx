import { labelPlacement } from './Waterfall';

describe('waterfall duration labels', () => {
  it('go after short bars, before late bars and inside bars that fill the row', () => {
    const after = labelPlacement(0.1, 0.2);
    expect(after.inside).toBe(false);
    expect(parseFloat(String(after.style.left))).toBeCloseTo(30);
    expect(labelPlacement(0.5, 0.45)).toMatchObject({ style: { right: '50%' }, inside: false });
    expect(labelPlacement(0, 1)).toMatchObject({ style: { right: '0%' }, inside: true });
  });
});
