// Draws the charts of a report page from the JSON the server embedded (#chart-data), and again when a live
// update swaps new JSON in (a profile when scores are released).
(function () {
  "use strict";
  var labels = document.getElementById("chart-labels").dataset;
  var colours = ["#198754", "#ffc107", "#dc3545", "#0dcaf0"];
  // Drawn at once: the figures matter more than the motion, and printing catches no half-drawn chart.
  Chart.defaults.animation = false;
  var drawn = null;

  function draw(name, config) {
    var canvas = document.querySelector('[data-chart="' + name + '"]');
    if (!canvas) return;
    var previous = Chart.getChart(canvas);
    if (previous) previous.destroy();
    new Chart(canvas, config);
  }

  function drawAll() {
    var source = document.getElementById("chart-data");
    if (!source || source === drawn) return;
    drawn = source;
    var data = JSON.parse(source.textContent);

    if (data.weekly) {
      draw("weekly", {
        type: "line",
        data: {
          labels: data.weekly.map(function (point) { return point[0]; }),
          datasets: [
            { label: labels.rate, data: data.weekly.map(function (point) { return point[1]; }), borderColor: "#0d6efd", tension: 0.2 }
          ].concat(data.threshold ? [
            { label: labels.threshold, data: data.weekly.map(function () { return data.threshold; }), borderColor: "#dc3545", borderDash: [6, 4], pointRadius: 0 }
          ] : [])
        },
        options: { scales: { y: { min: 0, max: 100 } } }
      });
    }
    if (data.scores) {
      draw("scores", {
        type: "line",
        data: {
          labels: data.scores.map(function (point) { return point.label; }),
          datasets: [
            { label: labels.score, data: data.scores.map(function (point) { return point.score; }), borderColor: "#0d6efd", tension: 0.2 },
            { label: labels.mean, data: data.scores.map(function (point) { return point.mean; }), borderColor: "#6c757d", borderDash: [6, 4] }
          ]
        },
        // The axis shows each assessment's day; its course and title are in the tooltip.
        options: { scales: { x: { ticks: { callback: function (index) { return data.scores[index].day; } } }, y: { min: 0, max: 100 } } }
      });
    }
    if (data.scatter) {
      draw("scatter", {
        type: "scatter",
        data: {
          datasets: [{
            label: labels.students,
            data: data.scatter.map(function (point) { return { x: point.rate, y: point.score, name: point.name }; }),
            backgroundColor: "#0d6efd"
          }]
        },
        options: {
          plugins: {
            legend: { display: false },
            tooltip: { callbacks: { label: function (item) { return item.raw.name + ": " + item.raw.x + " %, " + item.raw.y + " %"; } } }
          },
          scales: {
            x: { min: 0, max: 100, title: { display: true, text: labels.rate } },
            y: { min: 0, max: 100, title: { display: true, text: labels.score } }
          }
        }
      });
    }
    if (data.statuses) draw("statuses", {
      type: "doughnut",
      data: {
        labels: [labels.present, labels.late, labels.absent, labels.excused],
        datasets: [{ data: data.statuses, backgroundColor: colours }]
      }
    });
    if (data.distribution) {
      draw("distribution", {
        type: "bar",
        data: {
          labels: data.distribution.map(function (_, i) { return i * 10 + "–" + (i * 10 + 10) + "%"; }),
          datasets: [{ label: labels.students, data: data.distribution, backgroundColor: "#6c757d" }]
        },
        options: { plugins: { legend: { display: false } }, scales: { y: { ticks: { precision: 0 } } } }
      });
    }
  }

  drawAll();
  document.addEventListener("htmx:afterSettle", drawAll);
})();
