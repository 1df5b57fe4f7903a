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
