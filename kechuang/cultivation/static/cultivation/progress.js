// 培育进度 charts (ECharts, served locally).
(function () {
  // Data through json_script: names typed by users (regions) are never markup.
  const d = JSON.parse(document.getElementById('chart-data').textContent);
  const animation = !navigator.webdriver;
  function bars(id, actual, target, name) {
    const c = echarts.init(document.getElementById(id));
    c.setOption({animation: animation, tooltip: {trigger: 'axis'}, legend: {top: 0},
      grid: {left: 40, right: 10, top: 30, bottom: 70},
      xAxis: {type: 'category', data: d.areas, axisLabel: {rotate: 45, fontSize: 11}}, yAxis: {type: 'value'},
      series: [{name: name, type: 'bar', data: actual},
               {name: '目标', type: 'scatter', symbol: 'rect', symbolSize: [14, 3], data: target, itemStyle: {color: '#d62728'}}]});
    window.addEventListener('resize', () => c.resize());
  }
  bars('chart-pool', d.pool, d.pool_target, '在库');
  bars('chart-new', d.new, d.new_target, '期望新增');
})();
