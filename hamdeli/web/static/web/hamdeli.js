/* Hamdeli's page behaviour, as a static file (the Content-Security-Policy allows no inline script).
   Wide tables scroll inside their own box on a phone instead of widening the page. */
(function () {
  "use strict";

  function wrapTables(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      if (table.parentElement.classList.contains("table-responsive")) return;
      var box = document.createElement("div");
      box.className = "table-responsive";
      box.tabIndex = 0; // a box that scrolls sideways must be reachable from the keyboard
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
  }

  // Positions computed by the server (a timeline's bars), given as data-start/data-width percentages and
  // set through the style object, which the Content-Security-Policy allows where style="" is refused.
  function place(root) {
    root.querySelectorAll("[data-start]").forEach(function (el) { el.style.insetInlineStart = el.dataset.start + "%"; });
    root.querySelectorAll("[data-width]").forEach(function (el) { el.style.width = el.dataset.width + "%"; });
  }

  function enhance(root) {
    wrapTables(root);
    place(root);
  }

  // Persian pages: a Jalali date picker on the date boxes (data-jdp), writing Persian digits.
  function startDatePicker() {
    if (document.documentElement.lang !== "fa" || !window.jalaliDatepicker) return;
    window.jalaliDatepicker.startWatch({ persianDigits: true, zIndex: 1100, autoReadOnlyInput: false });
  }

  // The picker writes Latin digits; a Persian page shows Persian ones (the server reads both).
  var PERSIAN = "۰۱۲۳۴۵۶۷۸۹", ARABIC = "٠١٢٣٤٥٦٧٨٩";
  function isDateBox(box) {
    return document.documentElement.lang === "fa" && box && box.matches && box.matches("input[data-jdp]");
  }
  function toPersian(box) {
    box.value = box.value.replace(/[0-9]/g, function (d) { return PERSIAN[+d]; });
  }
  document.addEventListener("change", function (event) { if (isDateBox(event.target)) toPersian(event.target); });
  // The picker reads only Latin digits (a box showing ۱۴۰۵/۰۹/۱۱ opened it on an empty Farvardin): while it
  // is open the box holds Latin digits (read before the picker's own focus handler: capture phase), and
  // Persian ones again when the box is left.
  document.addEventListener("focusin", function (event) {
    var box = event.target;
    if (!isDateBox(box)) return;
    box.value = box.value.replace(/[۰-۹٠-٩]/g, function (d) {
      var i = PERSIAN.indexOf(d);
      return String(i >= 0 ? i : ARABIC.indexOf(d));
    });
  }, true);
  document.addEventListener("focusout", function (event) { if (isDateBox(event.target)) toPersian(event.target); });
  // Escape closes the picker (and leaves the focus in its box).
  document.addEventListener("keydown", function (event) {
    var sheet = document.querySelector("jdp-container");
    if (event.key !== "Escape" || !sheet || sheet.style.visibility !== "visible") return;
    window.jalaliDatepicker.hide();
  });

  // A list's filter form sent by HTMX: its empty fields stay out of the address the page is bookmarked by
  // (the form sent without JavaScript carries them, and the server reads both the same).
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt, data = event.detail.formData;
    if (event.detail.verb !== "get" || !form.matches || !form.matches("form.filters") || !data) return;
    Array.from(new Set(data.keys())).forEach(function (name) {
      if (data.getAll(name).every(function (value) { return value === ""; })) data.delete(name);
    });
  });

  document.addEventListener("DOMContentLoaded", function () { enhance(document); startDatePicker(); });
  document.addEventListener("htmx:afterSettle", function (event) { enhance(event.target.ownerDocument || document); });
})();
