// Canvas flame graph (root at the top, "icicle" layout). Click a frame to zoom, click the root bar to reset.
import { useEffect, useMemo, useRef, useState } from 'react';
import { hitTest, layoutFlame, type FlameInput, type FlameRect } from '../lib/flame';

const ROW_HEIGHT = 18;

interface Props<T extends FlameInput<T>> {
  roots: T[];
  value: (node: T) => number;
  label: (node: T) => string;
  color: (node: T) => string;
  describe: (node: T) => string;
  testId?: string;
}

export function FlameGraph<T extends FlameInput<T>>({ roots, value, label, color, describe, testId }: Props<T>) {
  const containerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(1000);
  const [zoom, setZoom] = useState<T | null>(null);
  const [hover, setHover] = useState<FlameRect<T> | null>(null);

  useEffect(() => {
    const el = containerRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.max(200, Math.floor(entry.contentRect.width))));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const shown = useMemo(() => (zoom ? [zoom] : roots), [zoom, roots]);
  const layout = useMemo(() => layoutFlame(shown, value, 0.5 / width), [shown, value, width]);
  const height = (layout.maxDepth + 1) * ROW_HEIGHT;

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = '11px ui-monospace, SFMono-Regular, Menlo, monospace';
    ctx.textBaseline = 'middle';
    for (const rect of layout.rects) {
      const x = rect.x * width;
      const w = rect.width * width;
      const y = rect.depth * ROW_HEIGHT;
      ctx.fillStyle = color(rect.node);
      ctx.fillRect(x, y, Math.max(w - 0.5, 0.5), ROW_HEIGHT - 1);
      if (w > 30) {
        ctx.fillStyle = '#1d232c';
        ctx.save();
        ctx.beginPath();
        ctx.rect(x, y, w - 2, ROW_HEIGHT);
        ctx.clip();
        ctx.fillText(label(rect.node), x + 3, y + ROW_HEIGHT / 2);
        ctx.restore();
      }
    }
    if (hover) {
      ctx.strokeStyle = '#1d232c';
      ctx.lineWidth = 1;
      ctx.strokeRect(hover.x * width + 0.5, hover.depth * ROW_HEIGHT + 0.5, hover.width * width - 1, ROW_HEIGHT - 2);
    }
  }, [layout, width, height, color, label, hover]);

  const rectAt = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const bounds = e.currentTarget.getBoundingClientRect();
    return hitTest(layout.rects, (e.clientX - bounds.left) / width, Math.floor((e.clientY - bounds.top) / ROW_HEIGHT));
  };

  if (layout.rects.length === 0) return <div className="empty-state">No call data recorded for this trace.</div>;
  return (
    <div className="flame" ref={containerRef} data-testid={testId}>
      <div className="flame-toolbar">
        {zoom ? (
          <button onClick={() => setZoom(null)}>Reset zoom</button>
        ) : (
          <span className="muted small">Click a frame to zoom in.</span>
        )}
        <span className="flame-hover mono small" data-testid="flame-hover">
          {hover ? describe(hover.node) : ''}
        </span>
      </div>
      <canvas
        ref={canvasRef}
        style={{ width, height, cursor: 'pointer' }}
        onMouseMove={(e) => setHover(rectAt(e) ?? null)}
        onMouseLeave={() => setHover(null)}
        onClick={(e) => {
          const hit = rectAt(e);
          if (hit) setZoom(hit.node === zoom ? null : hit.node);
        }}
        role="img"
        aria-label="Flame graph"
      />
    </div>
  );
}
