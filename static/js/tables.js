// On a phone a data table becomes one card per row (portal.css, table.stacked): each cell is
// labelled with its column's heading, so nothing is lost when the header row is not shown.
(function () {
  "use strict";
  var tables = document.querySelectorAll("table");
  for (var t = 0; t < tables.length; t++) {
    var table = tables[t];
    if (table.classList.contains("no-stack") || !table.tHead || !table.tHead.rows.length) continue;
    var heads = [];
    var headCells = table.tHead.rows[0].cells;
    for (var h = 0; h < headCells.length; h++) {
      for (var span = 0; span < (headCells[h].colSpan || 1); span++) heads.push(headCells[h].textContent.trim());
    }
    for (var b = 0; b < table.tBodies.length; b++) {
      var rows = table.tBodies[b].rows;
      for (var r = 0; r < rows.length; r++) {
        var column = 0;
        for (var c = 0; c < rows[r].cells.length; c++) {
          var cell = rows[r].cells[c];
          // A cell across the whole row ("没有超期件。") is a note, not a column's value.
          var label = (cell.colSpan || 1) >= heads.length ? "" : (heads[column] || "");
          if (!cell.hasAttribute("data-label")) cell.setAttribute("data-label", label);
          column += cell.colSpan || 1;
        }
      }
    }
    table.classList.add("stacked");
  }
})();
