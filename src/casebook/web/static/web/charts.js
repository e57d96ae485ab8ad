// The statistics page's charts, interactive. Each chart is a <figure data-chart="ID"> whose
// Vega-Lite specification is in <script type="application/json" id="ID"> (data, not code:
// the content security policy lets it be) and which shows the server's SVG drawing of it
// until this runs. Without JavaScript, that drawing and the table beside it are the chart.
document.addEventListener("DOMContentLoaded", () => {
  if (typeof window.vegaEmbed !== "function") return;
  for (const figure of document.querySelectorAll("figure[data-chart]")) {
    const source = document.getElementById(figure.dataset.chart);
    const target = figure.querySelector(".chart-drawing");
    if (!source || !target) continue;
    const spec = JSON.parse(source.textContent);
    // ast: expressions are interpreted, never eval'd (no 'unsafe-eval' in our policy);
    // no tooltip, actions menu or default stylesheet: each writes inline styles, which the
    // policy refuses (casebook.css styles the chart instead).
    const options = { renderer: "svg", ast: true, actions: false, tooltip: false, defaultStyle: false };
    window
      .vegaEmbed(target, spec, options)
      .then(() => figure.classList.add("chart-live"))
      .catch(() => {}); // the server's drawing stays in place
  }
});
