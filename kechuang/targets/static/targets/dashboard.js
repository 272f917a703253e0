// The indicator dashboard's charts (ECharts, served locally); data through json_script.
(function () {
  const d = JSON.parse(document.getElementById("chart-data").textContent);
  const animation = !navigator.webdriver;  // no animation under automation (screenshots, tests)
  const year = d.year;
  const recordsUrl = (id, code) => d.records_url.replace("INDICATOR", id).replace("/" + d.region_code + "/", "/" + (code || d.region_code) + "/") + "?year=" + year;
  function chart(id, option, onClick) {
    const el = document.getElementById(id);
    if (!el) return;
    const c = echarts.init(el);
    c.setOption(Object.assign({animation: animation, tooltip: {trigger: "axis"}, grid: {left: 50, right: 20, bottom: 60, top: 30}}, option));
    if (onClick) c.on("click", onClick);
    window.addEventListener("resize", () => c.resize());
  }
  if (d.targets.length) chart("chart-targets", {
    legend: {bottom: 0, data: ["实际", "目标"]},
    xAxis: {type: "category", data: d.targets.map(t => t.label), axisLabel: {interval: 0, rotate: 20}},
    yAxis: {type: "value"},
    series: [{name: "实际", type: "bar", data: d.targets.map(t => t.value), itemStyle: {color: "#1F4E79"}},
             {name: "目标", type: "bar", data: d.targets.map(t => t.target), itemStyle: {color: "#E07B39"}}]
  }, p => { window.location = recordsUrl(d.targets[p.dataIndex].id); });
  const trendIds = Object.keys(d.trend.series);
  chart("chart-trend", {
    legend: {bottom: 0, data: trendIds.map(i => d.labels[i])},
    xAxis: {type: "category", data: d.trend.years.map(y => y + "年")},
    yAxis: {type: "value"},
    series: trendIds.map((i, n) => ({name: d.labels[i], type: n === 0 ? "bar" : "line", data: d.trend.series[i], label: {show: true, position: "top"}}))
  }, p => { window.location = recordsUrl(trendIds[p.seriesIndex]).replace(/year=\d+/, "year=" + d.trend.years[p.dataIndex]); });
  if (d.areas) {
    const ids = Object.keys(d.areas.series);
    chart("chart-areas", {
      legend: {bottom: 0, data: ids.map(i => d.labels[i])},
      grid: {left: 50, right: 20, bottom: 90, top: 30},
      xAxis: {type: "category", data: d.areas.areas.map(a => a.name), axisLabel: {interval: 0, rotate: 40}},
      yAxis: {type: "value"},
      series: ids.map(i => ({name: d.labels[i], type: "bar", data: d.areas.series[i]}))
    }, p => { window.location = recordsUrl(ids[p.seriesIndex], d.areas.areas[p.dataIndex].code); });
  }
  if (d.peers) chart("chart-peers", {
    xAxis: {type: "category", data: d.peers.names},
    yAxis: {type: "value", name: "家"},
    series: [{type: "bar", data: d.peers.values.map((v, n) => ({value: v, itemStyle: {color: d.peers.self[n] ? "#E07B39" : "#1F4E79"}})), label: {show: true, position: "top"}}]
  }, p => { if (d.peers.self[p.dataIndex]) window.location = recordsUrl(d.peers.indicator); });
})();
