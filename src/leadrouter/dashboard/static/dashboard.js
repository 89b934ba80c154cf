// Draws the Overview charts from the JSON the server rendered into the page.
document.addEventListener("DOMContentLoaded", () => {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const common = { animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } };
  new Chart(document.getElementById("leads-chart"), {
    type: "bar",
    data: { labels: data.days, datasets: [{ data: data.leads, backgroundColor: "#2456c9" }] },
    options: common,
  });
  new Chart(document.getElementById("touch-chart"), {
    type: "line",
    data: { labels: data.days, datasets: [{ data: data.median_minutes, borderColor: "#b3261e", spanGaps: true }] },
    options: common,
  });
});
