// The score grid, as fast as roll call: Enter moves down a column (on the last cell it saves), and a column
// pasted from a spreadsheet fills the cells from the one pasted into, one line per student.
(function () {
  var cells = Array.prototype.slice.call(document.querySelectorAll("[data-score-cell]"));

  cells.forEach(function (cell, index) {
    cell.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || index === cells.length - 1) {
        return;
      }
      event.preventDefault();
      var next = cells[index + (event.shiftKey && index > 0 ? -1 : 1)];
      next.focus();
      next.select();
    });

    cell.addEventListener("paste", function (event) {
      var text = (event.clipboardData || window.clipboardData).getData("text");
      var lines = text.replace(/\r/g, "").split("\n");
      if (lines.length && lines[lines.length - 1] === "") {
        lines.pop();
      }
      if (lines.length < 2) {
        return;
      }
      event.preventDefault();
      var last = cell;
      lines.slice(0, cells.length - index).forEach(function (line, offset) {
        last = cells[index + offset];
        last.value = line.split("\t")[0].trim();
      });
      last.focus();
    });
  });
})();
