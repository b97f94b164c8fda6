// Tiny inline trend for table cells.
import { Line, LineChart, YAxis } from 'recharts';

export function Sparkline({ values, color = '#3b6fd8', width = 110, height = 26 }: { values: number[]; color?: string; width?: number; height?: number }) {
  if (values.length < 2) return <span className="muted">—</span>;
  const data = values.map((v, i) => ({ i, v }));
  return (
    <LineChart width={width} height={height} data={data} className="sparkline">
      <YAxis hide domain={[0, 'dataMax']} />
      <Line type="monotone" dataKey="v" stroke={color} strokeWidth={1.5} dot={false} isAnimationActive={false} />
    </LineChart>
  );
}
