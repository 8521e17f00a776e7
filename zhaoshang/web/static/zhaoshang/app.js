/* Behaviour shared by every page, bound by data attributes: the pages carry no
   inline script, so the Content-Security-Policy can forbid it everywhere.

   data-print                 the button prints the page
   data-dismiss="SELECTOR"    the link removes its closest SELECTOR instead of
                              navigating (cancel on an inline form)
   data-enter-trigger="EVENT" Enter in the field fires the htmx EVENT on it
                              instead of submitting the form
   data-escape-click="ID"     Escape inside the element clicks #ID (if shown)
   data-back                  the link goes back one page
   .cols-toggle               on a phone, shows or hides the secondary columns of
                              the table that follows (web/_cols_toggle.html) */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    if (!event.target.closest) {
      return;
    }
    if (event.target.closest("[data-print]")) {
      window.print();
      return;
    }
    var dismiss = event.target.closest("[data-dismiss]");
    if (dismiss) {
      var target = dismiss.closest(dismiss.getAttribute("data-dismiss"));
      if (target) {
        event.preventDefault();
        target.remove();
      }
      return;
    }
    var toggle = event.target.closest(".cols-toggle");
    if (toggle) {
      var wrap = toggle.nextElementSibling;
      if (wrap) {
        var all = wrap.classList.toggle("all-cols");
        toggle.setAttribute("aria-pressed", String(all));
        toggle.textContent = all ? toggle.dataset.less : toggle.dataset.more;
      }
      return;
    }
    if (event.target.closest("[data-back]") && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (!event.target.closest) {
      return;
    }
    if (event.key === "Enter") {
      var field = event.target.closest("[data-enter-trigger]");
      if (field && window.htmx) {
        event.preventDefault();
        window.htmx.trigger(field, field.getAttribute("data-enter-trigger"));
      }
    } else if (event.key === "Escape") {
      var area = event.target.closest("[data-escape-click]");
      if (area) {
        var button = document.getElementById(area.getAttribute("data-escape-click"));
        if (button) {
          button.click();
        }
      }
    }
  });
})();
