/**
 * A small line chart on a canvas, ours: shared times on x (seconds before the newest point), one line per series,
 * gaps where a value is null, y from 0 to a rounded maximum. The legend is HTML, drawn by the caller.
 */

/** One line of a chart. */
export interface ChartLine {
  label: string;
  color: string;
  values: Array<number | null>;
}

/** 1, 2 or 5 times a power of ten, at least `v`. */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** A y-axis value that fits the left margin: 37.5, 250, 2.5k. */
export function axisLabel(v: number): string {
  return v >= 1000 ? `${Number((v / 1000).toPrecision(3))}k` : String(Number(v.toPrecision(3)));
}

const PAD = { left: 44, right: 8, top: 8, bottom: 20 };

/**
 * Draws `lines` over `times` (ms, ascending) on `canvas`, sized to its CSS box. Returns the number of points drawn;
 * the canvas's `data-points` and `data-draws` attributes record it (the browser test reads them).
 */
export function drawChart(canvas: HTMLCanvasElement, times: number[], lines: ChartLine[], unit: string): number {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 300;
  const height = canvas.clientHeight || 150;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const g = canvas.getContext('2d')!;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  g.font = '11px system-ui, sans-serif';
  g.fillStyle = '#8a94a6';
  g.strokeStyle = '#2a3140';
  g.lineWidth = 1;

  let max = 0;
  for (const l of lines) for (const v of l.values) if (v !== null && v > max) max = v;
  const top = niceCeil(max * 1.1);
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const first = times[0] ?? 0;
  const last = times[times.length - 1] ?? 0;
  const span = Math.max(last - first, 1000);
  const x = (t: number) => PAD.left + ((t - (last - span)) / span) * plotW;
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;

  // Grid and labels: four steps on y, the window's start and "now" on x.
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (let i = 0; i <= 4; i++) {
    const v = (top * i) / 4;
    g.beginPath();
    g.moveTo(PAD.left, Math.round(y(v)) + 0.5);
    g.lineTo(width - PAD.right, Math.round(y(v)) + 0.5);
    g.stroke();
    g.fillText(`${axisLabel(v)}${i === 4 ? ` ${unit}` : ''}`, PAD.left - 4, y(v));
  }
  g.textBaseline = 'top';
  g.textAlign = 'left';
  g.fillText(`-${Math.round(span / 1000)} s`, PAD.left, height - PAD.bottom + 4);
  g.textAlign = 'right';
  g.fillText('now', width - PAD.right, height - PAD.bottom + 4);

  let points = 0;
  if (!times.length) {
    g.textAlign = 'center';
    g.fillText('waiting for data...', PAD.left + plotW / 2, PAD.top + plotH / 2);
  }
  g.lineWidth = 1.75;
  g.lineJoin = 'round';
  for (const l of lines) {
    g.strokeStyle = l.color;
    g.beginPath();
    let open = false;
    for (let i = 0; i < times.length; i++) {
      const v = l.values[i];
      if (v === null || v === undefined) {
        open = false;
        continue;
      }
      if (open) g.lineTo(x(times[i]), y(v));
      else g.moveTo(x(times[i]), y(v));
      open = true;
      points++;
    }
    g.stroke();
  }
  canvas.dataset.points = String(points);
  canvas.dataset.draws = String(Number(canvas.dataset.draws ?? 0) + 1);
  return points;
}
