/* The bulletin page's three charts, drawn with ECharts from the page's own JSON
   (json_script "bulletin-charts"): the figures are the bulletin document's, so
   each chart can be checked against the table beside it.

   Status is printed in words on the bars as well as in colour; SVG rendering
   keeps the charts sharp on a projector and on paper. */
(function () {
  "use strict";

  var charts = [];

  // Tooltips are HTML: every value from the data (unit names above all, which
  // any unit administrator can edit) is escaped before it is put into one.
  function escapeHtml(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function pctLabel(value) {
    return value === null || value === undefined ? "" : Number(value).toFixed(2) + "%";
  }

  function amountLabel(value, money) {
    if (value === null || value === undefined) {
      return "—";
    }
    return money
      ? Number(value).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 })
      : String(value);
  }

  function rankingOption(data, labels) {
    var r = data.ranking;
    // With many units the labels would collide above the bars: they turn
    // upright, inside tall bars (white) and just above short ones.
    var crowded = r.units.length > 10;
    var bars = r.completion.map(function (value, i) {
      var item = {
        value: value,
        itemStyle: { color: r.colours[i] },
        // The status word rides along for the label and the tooltip.
        status: value === null ? labels.no_target : r.status_words[i]
      };
      if (crowded) {
        var inside = value !== null && value >= 30;
        item.label = {
          rotate: 90,
          position: inside ? "insideBottom" : "top",
          align: "left",
          verticalAlign: "middle",
          distance: inside ? 8 : 6,
          color: inside ? "#fff" : "#1f2933",
          backgroundColor: inside ? "transparent" : "rgba(255, 255, 255, 0.85)"
        };
      }
      return item;
    });
    return {
      animation: false,
      grid: { left: 56, right: 96, top: 40, bottom: 72 },
      legend: { data: [labels.completion, labels.required], top: 0 },
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var bar = items[0];
          var text = escapeHtml(bar.name) + "<br>" + escapeHtml(labels.completion) + "：" +
            escapeHtml(bar.value === null || bar.value === undefined ? labels.no_target : pctLabel(bar.value)) +
            "（" + escapeHtml(bar.data.status) + "）";
          return text + "<br>" + escapeHtml(labels.required) + "：" + escapeHtml(pctLabel(r.required));
        }
      },
      xAxis: {
        type: "category",
        data: r.units,
        axisLabel: {
          interval: 0,
          rotate: crowded ? 35 : 0,
          // A unit without a target has no bar: its name says why.
          formatter: function (name, index) {
            return r.completion[index] === null ? name + "\n（" + labels.no_target + "）" : name;
          }
        }
      },
      yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
      series: [
        {
          name: labels.completion,
          type: "bar",
          data: bars,
          barMaxWidth: 48,
          // The legend's swatch: the bars themselves take their status colour.
          itemStyle: { color: "#1d3f72" },
          label: {
            show: true,
            position: "top",
            // Legible where the schedule line crosses it.
            backgroundColor: "rgba(255, 255, 255, 0.85)",
            padding: [1, 3],
            formatter: function (p) {
              return p.value === null || p.value === undefined
                ? labels.no_target
                : pctLabel(p.value) + " " + p.data.status;
            }
          }
        },
        {
          name: labels.required,
          type: "line",
          data: r.units.map(function () { return r.required; }),
          symbol: "none",
          lineStyle: { color: "#b3261e", width: 2, type: "dashed" },
          itemStyle: { color: "#b3261e" },
          endLabel: {
            show: true,
            formatter: labels.required + " " + pctLabel(r.required),
            color: "#b3261e"
          }
        }
      ]
    };
  }

  function curveOption(data, labels) {
    var c = data.curve;
    return {
      animation: false,
      grid: { left: 72, right: 24, top: 40, bottom: 40 },
      legend: { data: [labels.achieved, labels.milestone_curve], top: 0 },
      tooltip: {
        trigger: "axis",
        valueFormatter: function (v) { return amountLabel(v, c.money); }
      },
      xAxis: { type: "category", data: c.dates, boundaryGap: false },
      yAxis: { type: "value", name: labels.unit },
      series: [
        {
          name: labels.achieved,
          type: "line",
          data: c.achieved,
          symbol: "none",
          lineStyle: { width: 3, color: "#1d3f72" },
          itemStyle: { color: "#1d3f72" },
          areaStyle: { color: "rgba(29, 63, 114, 0.08)" },
          // The as-of day is marked only when it falls inside the campaign's window.
          markLine: c.dates.indexOf(c.as_of) < 0 ? undefined : {
            symbol: "none",
            label: { formatter: labels.as_of },
            lineStyle: { color: "#5b6672", type: "dotted" },
            data: [{ xAxis: c.as_of }]
          }
        },
        {
          name: labels.milestone_curve,
          type: "line",
          data: c.required,
          symbol: "none",
          lineStyle: { width: 2, type: "dashed", color: "#b3261e" },
          itemStyle: { color: "#b3261e" }
        }
      ]
    };
  }

  function funnelOption(data, labels) {
    var colours = ["#9fb3cf", "#7d97bd", "#5b7cab", "#3a6199", "#1d4f91", "#142d52"];
    return {
      animation: false,
      tooltip: {
        trigger: "item",
        formatter: function (p) { return escapeHtml(p.name) + "：" + escapeHtml(p.value); }
      },
      series: [
        {
          name: labels.projects,
          type: "funnel",
          sort: "none",
          left: "10%",
          width: "80%",
          top: 16,
          bottom: 16,
          minSize: "18%",
          gap: 2,
          data: data.funnel.map(function (level, i) {
            return { name: level.name, value: level.value, itemStyle: { color: colours[i % colours.length] } };
          }),
          label: { show: true, position: "inside", formatter: "{b} {c}", color: "#fff" }
        }
      ]
    };
  }

  function draw() {
    var source = document.getElementById("bulletin-charts");
    if (!source || !window.echarts) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var labels = data.labels;
    var builders = { ranking: rankingOption, curve: curveOption, funnel: funnelOption };
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var kind = el.getAttribute("data-chart");
      if (!builders[kind] || !data[kind]) {
        return;
      }
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(builders[kind](data, labels));
      charts.push(chart);
    });
  }

  function resize() {
    charts.forEach(function (chart) { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("resize", resize);
  // Paper is narrower than the screen: fit the charts before printing and after.
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
})();
