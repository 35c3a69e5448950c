// Showcase home: the county map (two layers) and the charts by city. ECharts from /static/.
(() => {
  const mapElement = document.getElementById("map");
  if (!mapElement || !window.echarts) return;
  const script = document.getElementById("showcase-js");
  const cities = JSON.parse(document.getElementById("cities-data").textContent);
  const L = JSON.parse(document.getElementById("map-labels").textContent);
  const TITLE_RANK = { national: 2, provincial: 1, none: 0 };  // map values must be numbers
  const LAYERS = {
    programme: {
      field: "layer",
      pieces: [
        { value: 2, label: L.national, color: "#1f6f43" },
        { value: 1, label: L.provincial, color: "#7cc496" },
        { value: 0, label: L.none, color: "#e5e7e6" },
      ],
    },
    stars: {
      field: "stars",
      pieces: [
        { value: 5, label: "★★★★★", color: "#0b6b3a" },
        { value: 4, label: "★★★★", color: "#3f9e62" },
        { value: 3, label: "★★★", color: "#a8d5b5" },
        { value: 0, label: L.revoked, color: "#d9534f" },
        { value: -1, label: L.unrated, color: "#e5e7e6" },
      ],
    },
  };

  const chart = echarts.init(mapElement, null, { renderer: "svg" });
  let counties = [];

  const render = (layer) => {
    const { field, pieces } = LAYERS[layer];
    chart.setOption(
      {
        animation: false,
        tooltip: {
          trigger: "item",
          formatter: (p) => {
            const c = p.data && p.data.county;
            if (!c) return p.name;
            const titles = c.titles.map((t) => t.name).join("、") || L.none;
            const stars = c.stars === null ? L.unrated : c.stars === 0 ? L.revoked : "★".repeat(c.stars);
            return `<strong>${c.name}</strong> · ${c.city}<br>${titles}<br>${stars}`;
          },
        },
        visualMap: { type: "piecewise", pieces, left: 0, bottom: 0, itemWidth: 12, itemHeight: 12, textStyle: { fontSize: 11 } },
        series: [
          {
            type: "map",
            map: "zhejiang",
            nameProperty: "code",
            roam: false,
            emphasis: { label: { show: false }, itemStyle: { areaColor: "#f2c14e" } },
            select: { disabled: true },
            data: counties.map((c) => ({
              name: c.code,
              value: field === "stars" ? (c.stars === null ? -1 : c.stars) : TITLE_RANK[c.layer],
              county: c,
            })),
          },
        ],
      },
      true,
    );
  };

  Promise.all([fetch(mapElement.dataset.geojson).then((r) => r.json()), fetch(script.dataset.mapUrl).then((r) => r.json())]).then(
    ([geojson, data]) => {
      echarts.registerMap("zhejiang", geojson);
      counties = data.counties;
      render("programme");
      mapElement.dataset.ready = "true";
      mapElement.dataset.counties = String(counties.length);
    },
  );
  chart.on("click", (p) => {
    if (p.data && p.data.county) window.location.href = mapElement.dataset.zoneUrl.replace("000000", p.data.county.code);
  });
  document.querySelectorAll("[data-layer]").forEach((button) =>
    button.addEventListener("click", () => {
      document.querySelectorAll("[data-layer]").forEach((b) => b.classList.toggle("active", b === button));
      render(button.dataset.layer);
      mapElement.dataset.layer = button.dataset.layer;
    }),
  );

  const bar = (id, series) => {
    const element = document.getElementById(id);
    if (!element) return;
    echarts.init(element, null, { renderer: "svg" }).setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 10, top: 30, bottom: 50 },
      xAxis: { type: "category", data: cities.map((c) => c.name), axisLabel: { rotate: 45 } },
      yAxis: { type: "value", minInterval: 1 },
      series: series.map(([name, key, color]) => ({ name, type: "bar", stack: "all", data: cities.map((c) => c[key]), itemStyle: { color } })),
    });
  };
  bar("chart-zones", [[L.provincial, "provincial", "#7cc496"], [L.national, "national", "#1f6f43"], [L.lianshan, "lianshan", "#f2c14e"]]);
  bar("chart-stars", [["★★★★★", "five_star", "#0b6b3a"], ["★★★★", "four_star", "#3f9e62"], ["★★★", "three_star", "#a8d5b5"], [L.revoked, "revoked", "#d9534f"]]);
})();
