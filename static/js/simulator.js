// The rating simulator page: posts the JSON to the API and renders the score card (no inline JS).
(() => {
  const input = document.getElementById("sim-input");
  const output = document.getElementById("sim-output");
  const cell = (tag, text, cls) => {
    const el = document.createElement(tag);
    el.textContent = text;
    if (cls) el.className = cls;
    return el;
  };
  document.getElementById("sim-run").addEventListener("click", async () => {
    let body;
    try {
      body = JSON.parse(input.value);
    } catch (error) {
      output.replaceChildren(cell("div", `JSON: ${error.message}`, "alert alert-danger"));
      return;
    }
    const response = await fetch(input.dataset.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": input.dataset.csrf },
      body: JSON.stringify(body),
    });
    const data = await response.json();
    if (!response.ok) {
      output.replaceChildren(cell("div", data.detail, "alert alert-danger"));
      return;
    }
    const head = cell("p", "", "fs-5");
    head.append(cell("strong", `${data.total}`), ` · ${data.rating} · A ${data.part_a} · B ${data.part_b} · C ${data.part_c}`);
    const rules = document.createElement("ul");
    data.rules.forEach((r) => rules.append(cell("li", `${r.effect}: ${r.reason}`)));
    const table = document.createElement("table");
    table.className = "table table-sm";
    const header = document.createElement("tr");
    ["code", "score", "weight", "points", ""].forEach((h) => header.append(cell("th", h)));
    table.append(header);
    data.indicators.filter((i) => i.applicable).forEach((i) => {
      const row = document.createElement("tr");
      const years = Object.entries(i.years).map(([y, v]) => `${y}: ${v.verdict} ${v.score}`).join(" · ");
      [i.code, i.score, i.weight, i.points, years].forEach((v) => row.append(cell("td", v)));
      table.append(row);
    });
    output.replaceChildren(head, rules, table);
    output.dataset.total = data.total;
  });
})();
