// 高企预测 chart (ECharts, served locally).
(function () {
  // Data through json_script: names typed by users (regions) are never markup.
  const d = JSON.parse(document.getElementById('chart-data').textContent);
  const animation = !navigator.webdriver;
  const c = echarts.init(document.getElementById('chart-areas'));
  c.setOption({
    animation: animation,
    tooltip: {trigger: 'axis'}, legend: {top: 0},
    grid: {left: 40, right: 10, top: 30, bottom: 70},
    xAxis: {type: 'category', data: d.areas, axisLabel: {rotate: 45, fontSize: 11}},
    yAxis: {type: 'value'},
    series: [
      {name: '仍有效', type: 'bar', stack: 'v', data: d.still},
      {name: '期望重认定', type: 'bar', stack: 'v', data: d.renewals},
      {name: '期望新增', type: 'bar', stack: 'v', data: d.new},
      {name: '年末有效目标', type: 'scatter', symbol: 'rect', symbolSize: [14, 3], data: d.target, itemStyle: {color: '#d62728'}}
    ]
  });
  window.addEventListener('resize', () => c.resize());
})();
