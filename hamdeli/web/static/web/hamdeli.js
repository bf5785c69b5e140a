/* Hamdeli's page behaviour, as a static file (the Content-Security-Policy allows no inline script).
   Wide tables scroll inside their own box on a phone instead of widening the page. */
(function () {
  "use strict";

  function wrapTables(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      if (table.parentElement.classList.contains("table-responsive")) return;
      var box = document.createElement("div");
      box.className = "table-responsive";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
  }

  function enhance(root) {
    wrapTables(root);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSettle", function (event) { enhance(event.target.ownerDocument || document); });
})();
