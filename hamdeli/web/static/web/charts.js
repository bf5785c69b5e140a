/* Draws the charts of a page with Apache ECharts. Each chart is a <div data-chart="ID"> next to a
   <script type="application/json" id="ID"> written by Django's json_script (no inline script: the
   Content-Security-Policy allows none). Data: {kind: "bars", categories: [...], series: [{name, data}],
   horizontal?}. Right to left on Persian pages, numbers in the page's digits. */
(function () {
  "use strict";

  var PALETTE = ["#0b6e4f", "#c05621", "#2b6cb0", "#b7791f", "#6b46c1", "#2c7a7b"];
  var DIMMED = { borderColor: "#d69e2e", borderWidth: 3 };

  function numberFormat() {
    var lang = document.documentElement.lang || "fa";
    return new Intl.NumberFormat(lang === "fa" ? "fa-IR" : lang);
  }

  // Names are user text (cities, notes): the tooltip shows them as text, never reads them as HTML.
  function escaped(text) {
    var node = document.createElement("div");
    node.textContent = text;
    return node.innerHTML;
  }

  // ECharts lays a legend out from the left: on a right-to-left page its items are given in reverse,
  // so that the first series is read first, with its mark on the reading side of its name.
  function legend(names, rtl, extra) {
    var option = { top: 0, align: rtl ? "right" : "left", data: rtl ? names.slice().reverse() : names };
    return Object.assign(option, extra || {});
  }

  function barsOption(data, rtl, fmt, width) {
    // Every category named: on its band, broken onto more lines; slanted when the bands are narrow.
    var band = Math.floor((width - 70) / Math.max(1, data.categories.length)) - 6;
    var label = band >= 56 ? { interval: 0, width: band, overflow: "break", lineHeight: 14 }
      : { interval: 0, rotate: rtl ? -40 : 40, width: 90, overflow: "truncate" };
    var category = { type: "category", data: data.categories, axisTick: { alignWithLabel: true },
      axisLabel: data.horizontal ? { interval: 0 } : label };
    var value = { type: "value", axisLabel: { formatter: function (v) { return fmt.format(v); } } };
    // Counts are whole: no 0.2, 0.4 … ticks for a count of one.
    var whole = data.series.every(function (s) {
      return s.data.every(function (v) { return v === null || Math.round(Number(v)) === Number(v); });
    });
    if (whole) value.minInterval = 1;
    var option = {
      color: PALETTE,
      textStyle: { fontFamily: "Vazirmatn, sans-serif" },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return fmt.format(v); } },
      legend: legend(data.series.map(function (s) { return s.name; }), rtl, { show: data.series.length > 1 }),
      // Room at the bars' end for the number written there (containLabel measures only the axes).
      grid: { top: data.series.length > 1 ? 36 : 12, bottom: 8, containLabel: true,
        left: data.horizontal && rtl ? 36 : 8, right: data.horizontal && !rtl ? 36 : 8 },
      series: data.series.map(function (s) {
        return { type: "bar", name: s.name, data: s.data, barMaxWidth: 36,
          label: { show: data.horizontal, position: rtl ? "left" : "right", formatter: function (p) { return fmt.format(p.value); } } };
      })
    };
    if (data.horizontal) {
      category.inverse = true; // first category on top
      category.position = rtl ? "right" : "left";
      value.inverse = rtl; // bars grow toward the reading end
      option.yAxis = category;
      option.xAxis = value;
    } else {
      category.inverse = rtl; // the first month on the right in Persian
      value.position = rtl ? "right" : "left";
      option.xAxis = category;
      option.yAxis = value;
    }
    return option;
  }

  // The world's countries (npm world-atlas, served by Hamdeli), fetched once and shared by every map.
  var world = null;
  function shiftEast(coordinates) {
    coordinates.forEach(function (c) {
      if (typeof c[0] === "number") { if (c[0] < 0) c[0] += 360; } else shiftEast(c);
    });
  }
  function loadWorld(url) {
    if (!world) {
      world = fetch(url).then(function (r) { return r.json(); }).then(function (topo) {
        var countries = window.topojson.feature(topo, topo.objects.countries);
        // Antarctica is left out; Russia and Fiji cross the 180th meridian: their western tips are
        // moved east so that no edge is drawn across the whole map.
        countries.features = countries.features.filter(function (f) { return f.id !== "010"; });
        countries.features.forEach(function (f) {
          if (f.id === "643" || f.id === "242") shiftEast(f.geometry.coordinates);
        });
        window.echarts.registerMap("world", countries);
      });
    }
    return world;
  }

  function mapOption(data, rtl) {
    var hasDimmed = data.series.some(function (s) { return s.data.some(function (p) { return p.dimmed; }); });
    return {
      color: PALETTE,
      textStyle: { fontFamily: "Vazirmatn, sans-serif" },
      tooltip: { trigger: "item", formatter: function (p) {
        return escaped(p.data ? p.data.name + " · " + p.seriesName + (p.data.dimmed ? " · " + data.dimmed : "") : p.name);
      } },
      legend: legend(data.series.map(function (s) { return s.name; }).concat(hasDimmed ? [data.dimmed] : []), rtl),
      geo: { map: "world", roam: true, top: 32, bottom: 0, silent: true,
        itemStyle: { areaColor: "#e7edf1", borderColor: "#b9c5cf" } },
      // One colour per state; a dimmed relation is ringed in amber, and the legend says so (an empty
      // series that only names the ring).
      series: data.series.map(function (s) {
        return { type: "scatter", coordinateSystem: "geo", name: s.name, symbolSize: 11,
          data: s.data.map(function (p) {
            return { name: p.name, value: p.value, dimmed: p.dimmed,
              itemStyle: p.dimmed ? DIMMED : undefined };
          }) };
      }).concat(hasDimmed ? [{ type: "scatter", coordinateSystem: "geo", name: data.dimmed, data: [],
             itemStyle: { color: "#ffffff", borderColor: DIMMED.borderColor, borderWidth: 3 } }] : [])
    };
  }

  // The aid flow. ECharts lays a Sankey out from its sources on the left; on a right-to-left page the
  // links are given reversed, so that donors stand on the right and recipients on the left, and the
  // tooltip still names each link the way the units went.
  function sankeyOption(data, rtl, fmt, width) {
    var room = Math.round(Math.min(170, Math.max(90, width * 0.22))); // beside the outer column, for its names
    var links = data.links.map(function (l) {
      return rtl ? { source: l.target, target: l.source, value: l.value, from: l.source, to: l.target }
                 : { source: l.source, target: l.target, value: l.value, from: l.source, to: l.target };
    });
    return {
      color: PALETTE,
      textStyle: { fontFamily: "Vazirmatn, sans-serif" },
      tooltip: { trigger: "item", formatter: function (p) {
        if (p.dataType === "edge") return p.data.from + (rtl ? " ← " : " → ") + p.data.to + ": " + fmt.format(p.data.value);
        return p.name + ": " + fmt.format(p.value);
      } },
      series: [{
        type: "sankey", data: data.nodes, links: links, nodeAlign: "justify", draggable: false,
        left: rtl ? room : 8, right: rtl ? 8 : room, top: 8, bottom: 8, nodeGap: 10,
        emphasis: { focus: "adjacency" },
        lineStyle: { color: "gradient", curveness: 0.5, opacity: 0.35 },
        label: { position: rtl ? "left" : "right", overflow: "truncate", width: room - 8 },
        labelLayout: { hideOverlap: true }
      }]
    };
  }

  // A partnership's timeline: one lane per kind of event along a time axis; in Persian the years run
  // from right to left and dates are written in the Persian calendar.
  function dateFormat(options) {
    var lang = document.documentElement.lang || "fa";
    return new Intl.DateTimeFormat(lang === "fa" ? "fa-IR-u-ca-persian" : lang, options);
  }

  function timelineOption(data, rtl) {
    var axisDate = dateFormat({ year: "numeric", month: "short" });
    var fullDate = dateFormat({ year: "numeric", month: "long", day: "numeric" });
    return {
      color: PALETTE,
      textStyle: { fontFamily: "Vazirmatn, sans-serif" },
      grid: { top: 12, bottom: 8, left: 8, right: 8, containLabel: true },
      tooltip: { trigger: "item", formatter: function (p) {
        var point = data.points[p.dataIndex];
        var text = fullDate.format(new Date(point.on)) + " · " + point.label + (point.note ? ": " + point.note : "");
        return escaped(text);
      } },
      xAxis: { type: "time", inverse: rtl, boundaryGap: ["4%", "4%"], axisLabel: { hideOverlap: true,
        formatter: function (value) { return axisDate.format(new Date(value)); } } },
      yAxis: { type: "category", data: data.lanes, position: rtl ? "right" : "left", inverse: true,
        axisTick: { show: false } },
      series: [{ type: "scatter", symbolSize: 12,
        data: data.points.map(function (p) { return { value: [p.on, p.lane], itemStyle: { color: PALETTE[p.lane % PALETTE.length] } }; }) }]
    };
  }

  function draw(box) {
    var source = document.getElementById(box.dataset.chart);
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var rtl = document.documentElement.dir === "rtl";
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    // Bars and the Sankey fit their labels to the chart's width: drawn again when the width changes.
    function sized() {
      if (data.kind === "bars") chart.setOption(barsOption(data, rtl, numberFormat(), box.clientWidth));
      if (data.kind === "sankey") chart.setOption(sankeyOption(data, rtl, numberFormat(), box.clientWidth));
    }
    sized();
    if (data.kind === "timeline") chart.setOption(timelineOption(data, rtl));
    if (data.kind === "map" && window.topojson) {
      loadWorld(box.dataset.mapUrl).then(function () { chart.setOption(mapOption(data, rtl)); });
    }
    // Its box's width, not the window's: the box is laid out once the stylesheets and fonts are in.
    var width = box.clientWidth;
    new window.ResizeObserver(function () {
      if (box.clientWidth === width) return;
      width = box.clientWidth;
      chart.resize();
      sized();
    }).observe(box);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
