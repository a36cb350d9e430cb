// The dashboard's own small SVG charts (no library): a line chart of percentiles and a Gantt-like timeline.
'use strict';
const Charts = (() => {
  const NS = 'http://www.w3.org/2000/svg';
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

  // series: {p50: [..], p90: [..], p99: [..]} sampled once a second, newest last; drawn on a shared scale.
  function percentiles(series, title) {
    const w = 300, h = 70, pad = 14;
    const all = [...series.p50, ...series.p90, ...series.p99];
    const max = Math.max(1, ...all);
    const n = Math.max(2, series.p50.length);
    const line = (values) => values.map((v, i) =>
      `${(pad + (i + n - values.length) * (w - pad) / (n - 1)).toFixed(1)},${(h - 4 - v / max * (h - 16)).toFixed(1)}`).join(' ');
    return `<svg class="chart" viewBox="0 0 ${w} ${h}" preserveAspectRatio="none" role="img" aria-label="${esc(title)}">` +
      `<line class="axis" x1="${pad}" y1="${h - 4}" x2="${w}" y2="${h - 4}"/>` +
      `<text x="0" y="10">${esc(fmt(max))} ms</text>` +
      ['p50', 'p90', 'p99'].map((p) => series[p].length ? `<polyline class="${p}" points="${line(series[p])}"/>` : '').join('') +
      '</svg>';
  }

  // lanes: [{name, bars: [{from, to, state}]}], times in ms; the window ends at `now`.
  function gantt(lanes, now, windowMs) {
    const labelW = 110, w = 900, laneH = 18, top = 16;
    const h = top + Math.max(1, lanes.length) * laneH + 4;
    const x = (t) => labelW + Math.max(0, (t - (now - windowMs))) / windowMs * (w - labelW);
    let svg = `<svg class="gantt" viewBox="0 0 ${w} ${h}" role="img" aria-label="syscall timeline">`;
    for (let s = 0; s <= windowMs / 1000; s += 5) {
      const gx = x(now - windowMs + s * 1000);
      svg += `<line class="grid" x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${h}"/><text class="lane" x="${gx + 2}" y="11">-${windowMs / 1000 - s}s</text>`;
    }
    lanes.forEach((lane, i) => {
      const y = top + i * laneH;
      svg += `<text class="lane" x="2" y="${y + 12}">${esc(lane.name.length > 16 ? lane.name.slice(0, 15) + '…' : lane.name)}</text>`;
      for (const b of lane.bars) {
        if (b.to < now - windowMs) continue;
        const x1 = x(b.from), x2 = Math.max(x1 + 1.5, x(b.to));
        svg += `<rect class="${b.state}" data-state="${b.state}" x="${x1.toFixed(1)}" y="${y + 2}" width="${(x2 - x1).toFixed(1)}" height="${laneH - 5}"><title>${esc(b.title || b.state)}</title></rect>`;
      }
    });
    return svg + '</svg>';
  }

  function fmt(v) { return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2); }

  return { percentiles, gantt, fmt, esc, NS };
})();
