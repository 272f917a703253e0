// Small charts of an enterprise's yearly facts (ECharts, served locally).
(function () {
  var el = document.getElementById("chart-data");
  if (!el || !window.echarts) return;
  var d = JSON.parse(el.textContent);
  var animation = !window.navigator.webdriver;
  function draw(id, series, yName) {
    var node = document.getElementById(id);
    if (!node) return;
    var chart = echarts.init(node);
    chart.setOption({
      animation: animation,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 50, right: 10, top: 30, bottom: 25 },
      xAxis: { type: "category", data: d.years },
      yAxis: { type: "value", name: yName },
      series: series,
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  draw("chart-money", [
    { name: "销售收入", type: "bar", data: d.revenue },
    { name: "研发费用", type: "line", data: d.rd },
    { name: "高新技术产品收入", type: "line", data: d.hightech },
  ], "万元");
  draw("chart-staff", [
    { name: "职工总数", type: "bar", data: d.employees },
    { name: "科技人员", type: "bar", data: d.tech_staff },
  ], "人");
})();
