// 指标体系比较 charts (ECharts, served locally); data through json_script.
(function () {
  const d = JSON.parse(document.getElementById('chart-data').textContent);
  const animation = !navigator.webdriver;
  const moves = echarts.init(document.getElementById('chart-moves'));
  moves.setOption({animation: animation, tooltip: {trigger: 'axis'},
    grid: {left: 40, right: 10, top: 20, bottom: 30},
    xAxis: {type: 'category', data: d.moves, name: '名次'}, yAxis: {type: 'value', name: '家'},
    series: [{type: 'bar', data: d.counts}]});
  const scatter = echarts.init(document.getElementById('chart-scatter'));
  scatter.setOption({animation: animation,
    tooltip: {formatter: (p) => p.data[2] + '（' + p.data[3] + '）：' + p.data[0] + ' → ' + p.data[1]},
    grid: {left: 40, right: 10, top: 20, bottom: 30},
    xAxis: {type: 'value', name: '现行'}, yAxis: {type: 'value', name: '草稿', inverse: true},
    series: [{type: 'scatter', symbolSize: 5, data: d.scatter}]});
  window.addEventListener('resize', () => { moves.resize(); scatter.resize(); });
})();
