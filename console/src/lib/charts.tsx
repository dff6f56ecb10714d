// The charts of the campaign, projector and survey pages, drawn from the view-models of
// chart-model.ts: the bars (hidden from assistive technologies, sized through the CSSOM, which
// the CSP allows) and, beside them, the same figures as a table and a sentence. Rows are keyed
// by the bar's key, so a refresh updates them in place (the projector: no remount, no flash).
import type { ChartModel } from './chart-model.ts';
import { tableRows } from './chart-model.ts';

export function BarChart(props: { model: ChartModel; large?: boolean; tableHidden?: boolean }) {
  const m = props.model;
  const rows = tableRows(m);
  return (
    <figure class={`chart chart-${m.kind}${props.large ? ' chart-large' : ''}`}>
      <div class="chart-bars" aria-hidden="true">
        {m.bars.map((b, i) => (
          <div key={b.key} class={`chart-row${b.tone ? ` tone-${b.tone}` : ''}${m.cutoffAfter === i ? ' chart-cutoff' : ''}`} data-key={b.key} data-value={b.value}>
            <span class="chart-label">{b.label}</span>
            <span class="chart-track">
              <span class="chart-fill" style={{ width: `${(b.share * 100).toFixed(2)}%` }} />
            </span>
            <span class="chart-figure">{b.figure}</span>
          </div>
        ))}
      </div>
      <figcaption class="chart-summary">{m.summary}</figcaption>
      <table class={`chart-table${props.tableHidden ? ' visually-hidden' : ''}`}>
        <caption>{m.caption}</caption>
        <thead>
          <tr>
            {m.headers.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={m.bars[i]?.key ?? i} data-key={m.bars[i]?.key}>
              <th scope="row">{row[0]}</th>
              {row.slice(1).map((cell, j) => (
                <td key={j}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
