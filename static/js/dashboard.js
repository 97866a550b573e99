// The round dashboard's charts, drawn with the vendored Apache ECharts from the page's JSON
// (the tables beside each chart carry the same numbers, and are all there is without JavaScript).
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) return;
  var d = JSON.parse(source.textContent);
  var pct = { type: "value", max: 100, axisLabel: { formatter: "{value}%" } };
  function bars(names, values, horizontal) {
    if (!names.length) return null; // nothing to draw: the table below says so, no empty axes
    var category = { type: "category", data: names, axisLabel: { interval: 0, width: 150, overflow: "truncate" } };
    return {
      grid: { left: horizontal ? 160 : 40, right: 56, top: 20, bottom: horizontal ? 30 : 60, containLabel: false },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
      xAxis: horizontal ? pct : Object.assign({}, category, { axisLabel: { interval: 0, rotate: 30 } }),
      yAxis: horizontal ? category : pct,
      series: [{ type: "bar", data: values, label: { show: true, position: horizontal ? "right" : "top", formatter: "{c}%" } }],
    };
  }
  function pie(names, values) {
    return {
      tooltip: { trigger: "item" },
      legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["35%", "65%"], data: names.map(function (n, i) { return { name: n, value: values[i] }; }),
        label: { formatter: "{b}：{c}" } }],
    };
  }
  var options = {
    units: bars(d.units, d.unitRates, true),
    indicators: bars(d.indicators, d.indicatorRates, true),
    ontime: pie(["按时提交", "逾期提交", "未提交"], d.onTime),
    grades: pie(d.grades, d.gradeCounts),
    budget: bars(d.budgetUnits, d.budgetRates, false),
  };
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var option = options[el.getAttribute("data-chart")];
    if (!option) { el.hidden = true; return; }
    el.style.height = Math.max(260, (el.getAttribute("data-chart") === "indicators" ? d.indicators.length : 0) * 28) + "px";
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(Object.assign({ animation: false }, option));
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
