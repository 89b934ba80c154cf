// Draws the Overview charts from the JSON the server rendered into the page, and lets people
// sort any table marked "sortable" by clicking a column heading (numbers as numbers).
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("chart-data");
  if (source && window.Chart) {
    const data = JSON.parse(source.textContent);
    const common = { animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } };
    new Chart(document.getElementById("leads-chart"), {
      type: "bar",
      data: { labels: data.days, datasets: [{ label: "leads", data: data.leads, backgroundColor: "#2456c9" }] },
      options: common,
    });
    new Chart(document.getElementById("touch-chart"), {
      type: "line",
      data: { labels: data.days, datasets: [{ label: "median minutes", data: data.median_minutes, borderColor: "#b3261e", spanGaps: true }] },
      options: common,
    });
  }
  for (const table of document.querySelectorAll("table.sortable")) {
    const heads = table.tHead ? [...table.tHead.rows[0].cells] : [];
    heads.forEach((th, column) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", () => {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach((h) => h.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const body = table.tBodies[0];
        const key = (row) => {
          const cell = row.cells[column];
          const text = cell ? (cell.dataset.sort ?? cell.textContent.trim()) : "";
          const number = parseFloat(text.replace(/[^0-9.+-]/g, ""));
          return /\d/.test(text) && !Number.isNaN(number) ? number : text.toLowerCase();
        };
        const rows = [...body.rows].sort((a, b) => {
          const x = key(a), y = key(b);
          const order = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : typeof x === "number" ? -1 : 1;
          return ascending ? order : -order;
        });
        rows.forEach((row) => body.appendChild(row));
      });
    });
  }
});
