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
// Pay links: Copy puts the made link on the clipboard in one click (without JavaScript the
// read-only field stays selectable, and the button stays hidden).
(function () {
  "use strict";
  document.querySelectorAll("button[data-copies]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copies"));
    var status = document.querySelector("[data-copied-message]");
    if (!field) { return; }
    button.hidden = false;
    var copied = function () {
      if (status) { status.textContent = status.getAttribute("data-copied-message"); }
    };
    button.addEventListener("click", function () {
      field.focus();
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(copied, function () {
          if (document.execCommand("copy")) { copied(); }
        });
      } else if (document.execCommand("copy")) {
        copied();
      }
    });
  });
})();

// Session expiry: a form refused because the session or its CSRF token expired comes back with
// what was typed (addon/auth/expiry.py); fill it in again. Hidden fields (the fresh CSRF token)
// and buttons are left as the page has them.
(function () {
  "use strict";
  var note = document.getElementById("kept-form");
  if (!note) { return; }
  var pairs;
  try { pairs = JSON.parse(note.getAttribute("data-values") || "[]"); } catch (e) { return; }
  var action = note.getAttribute("data-action");
  var form = Array.prototype.find.call(document.forms, function (candidate) {
    // getAttribute: a field named "action" (the set-up form's buttons) shadows form.action.
    var target = candidate.getAttribute("action") || document.location.href;
    return new URL(target, document.baseURI).pathname === action;
  });
  if (!form) { return; }
  var byName = {};
  pairs.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
  var skipped = ["hidden", "submit", "button", "reset", "file", "password", "image"];
  var touched = [];
  Array.prototype.forEach.call(form.elements, function (field) {
    if (!field.name || skipped.indexOf(field.type) !== -1) { return; }
    var values = byName[field.name] || [];
    if (field.type === "checkbox" || field.type === "radio") {
      field.checked = values.indexOf(field.value) !== -1;
    } else if (field.tagName === "SELECT") {
      Array.prototype.forEach.call(field.options, function (option) {
        option.selected = values.indexOf(option.value) !== -1;
      });
    } else if (values.length) {
      field.value = values.shift();  // several fields of one name: in page order
    } else {
      return;
    }
    touched.push(field);
  });
  touched.forEach(function (field) {
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
  });
})();

// Inside QuickBooks or Xero (a frame), steps that leave Remit open in a window of their own:
// Intuit's, Xero's and Stripe's sign-in and consent pages refuse to be framed. Without this
// script the links' target="_top" takes the whole window there instead. At the step's end the
// window hands the landing page back to the framed Remit and closes (addon/auth/outside.py).
(function () {
  "use strict";
  var framed = false;
  try { framed = window.self !== window.top; } catch (e) { framed = true; }
  var popupUrl = function (address, fields) {
    var url = new URL(address, document.baseURI);
    (fields || []).forEach(function (pair) { url.searchParams.append(pair[0], pair[1]); });
    url.searchParams.set("window", "popup");
    return url.href;
  };
  var openOutside = function (event, url) {
    var opened = window.open(url, "remit-outside", "popup=yes,width=760,height=860");
    if (opened) { event.preventDefault(); }  // else: blocked, target="_top" goes ahead
  };
  if (framed) {
    document.querySelectorAll("a[data-leaves-remit]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        openOutside(event, popupUrl(link.href));
      });
    });
    document.querySelectorAll("form[data-leaves-remit]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var fields = [];
        new FormData(form).forEach(function (value, name) { fields.push([name, value]); });
        openOutside(event, popupUrl(form.getAttribute("action") || document.location.href,
                                    fields));
        var dialog = form.closest("dialog");
        if (event.defaultPrevented && dialog && dialog.open) { dialog.close(); }
      });
    });
  }
  // Already in that window (a step failed and offers Try again): stay in it, and still hand
  // the result back at the end.
  var inOwnWindow = false;
  try {
    inOwnWindow = !framed && !!window.opener && window.opener.location.origin === location.origin;
  } catch (e) { inOwnWindow = false; }
  if (inOwnWindow) {
    document.querySelectorAll("a[data-leaves-remit]").forEach(function (link) {
      link.href = popupUrl(link.href);
      link.removeAttribute("target");
    });
  }
  var finished = document.querySelector("[data-finished-outside]");
  if (finished && window.opener && !window.opener.closed) {
    try {
      window.opener.location.assign(finished.getAttribute("data-finished-outside"));
      window.close();
    } catch (e) { /* another site's window: the page's own link stays */ }
  }
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

// The set-up form: above a few hundred candidate accounts a role's list has a box that narrows
// it to the accounts whose name holds every word typed (the server renders the box hidden, in
// the page's language; without this script the list stays whole). The chosen account and the
// list's first, empty choice always stay, so narrowing never changes what is posted.
(function () {
  "use strict";
  document.querySelectorAll("[data-finds]").forEach(function (finder) {
    var list = document.getElementById(finder.getAttribute("data-finds"));
    var box = finder.querySelector("input[type=search]");
    var status = finder.querySelector("[data-found]");
    if (!list || !box || !status) { return; }
    var all = Array.prototype.slice.call(list.options);
    var total = all.filter(function (option) { return option.value; }).length;
    var lang = document.documentElement.lang || undefined;
    var say = function (shown) {
      status.textContent = status.getAttribute("data-found")
        .replace("{shown}", shown.toLocaleString(lang))
        .replace("{total}", total.toLocaleString(lang));
    };
    var narrow = function () {
      var words = box.value.toLocaleLowerCase(lang).split(/\s+/).filter(Boolean);
      var chosen = list.value;
      var fragment = document.createDocumentFragment();
      var shown = 0;
      all.forEach(function (option) {
        var text = option.text.toLocaleLowerCase(lang);
        var match = option.value && words.every(function (word) {
          return text.indexOf(word) !== -1;
        });
        if (match) { shown += 1; }
        if (match || !option.value || option.value === chosen) { fragment.appendChild(option); }
      });
      list.textContent = "";
      list.appendChild(fragment);
      list.value = chosen;
      say(shown);
    };
    var pending;
    box.addEventListener("input", function () {
      clearTimeout(pending);
      pending = setTimeout(narrow, 120);
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  // Enter here narrows; it must not save the form
        event.preventDefault();
        clearTimeout(pending);
        narrow();
        list.focus();
      }
    });
    finder.hidden = false;
    say(total);
  });
})();
