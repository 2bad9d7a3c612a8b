/* The statistics charts: drawn from the same numbers as the tables beside them (json_script
   "figures-chart-data"), with Apache ECharts (vendored, see echarts/VERSION). Tooltips are
   rendered in the canvas (richText), so no inline style reaches the page (CSP). */
(function () {
  "use strict";
  var source = document.getElementById("figures-chart-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];
  var narrow = window.matchMedia("(max-width: 720px)").matches;

  function num(values) { return values.map(function (v) { return Number(v); }); }

  function money(value) {
    return "¥" + Number(value).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  function draw(id, option, rows) {
    var el = document.getElementById(id);
    if (!el) { return; }
    if (rows) { el.classList.add("rows-" + Math.min(rows, 30)); }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    option.animation = false;
    option.tooltip = Object.assign({ renderMode: "richText", valueFormatter: money }, option.tooltip || {});
    chart.setOption(option);
    el.setAttribute("data-rendered", "1");
    charts.push(chart);
  }

  function horizontalBars(id, block) {
    draw(id, {
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", axisLabel: { hideOverlap: true } },
      yAxis: {
        type: "category", inverse: true, data: block.labels,
        axisLabel: { width: narrow ? 96 : 180, overflow: "truncate" }
      },
      series: [{ name: data.names.net, type: "bar", data: num(block.values), itemStyle: { color: "#0b6e4f" } }]
    }, block.labels.length);
  }

  horizontalBars("chart-union", data.union);
  horizontalBars("chart-sector", data.sector);

  draw("chart-months", {
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.months.labels, axisLabel: { interval: narrow ? 1 : 0 } },
    yAxis: { type: "value" },
    series: [
      { name: data.names.paid, type: "line", data: num(data.months.paid), itemStyle: { color: "#0550ae" } },
      { name: data.names.reversed, type: "line", data: num(data.months.reversed), itemStyle: { color: "#cf222e" } },
      { name: data.names.net, type: "line", data: num(data.months.net), itemStyle: { color: "#0b6e4f" }, lineStyle: { width: 3 } }
    ]
  });

  draw("chart-tiers", {
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0 },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: { type: "category", data: data.tiers.labels, axisLabel: { interval: 0, rotate: narrow ? 30 : 0 } },
    yAxis: { type: "value" },
    series: data.tiers.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "tiers", data: num(s.values) };
    })
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
