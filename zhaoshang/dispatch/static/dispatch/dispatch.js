/* Dispatch pages: confirmation of irreversible actions, projector mode
   (printing is app.js's data-print). */
(function () {
  "use strict";

  // Forms marked data-confirm (publishing, reminders) ask before they are sent:
  // a published bulletin can never be changed or withdrawn.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-projector-toggle]");
    if (toggle) {
      setProjector(!document.body.classList.contains("projector"));
    }
  });

  // Projector mode is remembered per browser: the meeting-room PC keeps it on.
  var KEY = "zhaoshang.projector";

  function setProjector(on) {
    document.body.classList.toggle("projector", on);
    document.querySelectorAll("[data-projector-toggle]").forEach(function (el) {
      el.setAttribute("aria-pressed", on ? "true" : "false");
    });
    try {
      window.localStorage.setItem(KEY, on ? "1" : "0");
    } catch (e) {
      /* storage may be disabled; the mode then lasts for this page only */
    }
    window.dispatchEvent(new Event("resize"));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var stored = null;
    try {
      stored = window.localStorage.getItem(KEY);
    } catch (e) {
      stored = null;
    }
    if (stored === "1") {
      setProjector(true);
    }
  });
})();
