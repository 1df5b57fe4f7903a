// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // "Add new gateway" opens the list in a dialog instead of a separate page.
  document.querySelectorAll("[data-opens-dialog]").forEach(function (link) {
    var dialog = document.getElementById(link.getAttribute("data-opens-dialog"));
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      dialog.showModal();
    });
  });
  // A currency's account pickers show only while the currency is ticked.
  document.querySelectorAll("input[data-controls]").forEach(function (box) {
    var section = document.getElementById(box.getAttribute("data-controls"));
    if (!section) { return; }
    var sync = function () { section.hidden = !box.checked; };
    box.addEventListener("change", sync);
    sync();
  });
})();

// After a failed submit, focus goes to the first field in error (WCAG 3.3.1), so a keyboard or
// screen-reader user starts where the correction is needed. The page works without it: the
// title says "Error:" and every field in error is marked and described on the server.
(function () {
  "use strict";
  var invalid = document.querySelector("main [aria-invalid='true']");
  if (!invalid) { return; }
  var field = invalid.matches("input, select, textarea")
    ? invalid : invalid.querySelector("input, select, textarea");
  (field || invalid).focus();
})();
