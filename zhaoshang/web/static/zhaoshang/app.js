/* Behaviour shared by every page, bound by data attributes: the pages carry no
   inline script, so the Content-Security-Policy can forbid it everywhere.

   data-print                 the button prints the page
   data-dismiss="SELECTOR"    the link removes its closest SELECTOR instead of
                              navigating (cancel on an inline form)
   data-enter-trigger="EVENT" Enter in the field fires the htmx EVENT on it
                              instead of submitting the form
   data-escape-click="ID"     Escape inside the element clicks #ID (if shown)
   data-back                  the link goes back one page
   data-upload-progress="ID"  the form's file is sent with a progress bar (#ID),
                              then data-checking is shown while the server checks
   data-busy="TEXT"           the form shows TEXT and disables its button when sent
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

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-busy")) {
      var button = form.querySelector("button[type=submit]");
      var status = form.querySelector("[role=status]");
      if (status) {
        status.textContent = form.getAttribute("data-busy");
      }
      if (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      }
    }
    if (!form.hasAttribute("data-upload-progress") || !window.FormData) {
      return;
    }
    var bar = document.getElementById(form.getAttribute("data-upload-progress"));
    if (!bar) {
      return;
    }
    event.preventDefault();
    var label = document.getElementById(bar.getAttribute("aria-describedby"));
    var xhr = new XMLHttpRequest();
    bar.hidden = false;
    bar.value = 0;
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.value = Math.round((e.loaded / e.total) * 100);
        if (label) {
          label.textContent = bar.value + "%";
        }
      }
    });
    xhr.upload.addEventListener("load", function () {
      bar.removeAttribute("value"); // indeterminate while the server checks the file
      if (label) {
        label.textContent = form.getAttribute("data-checking");
      }
    });
    xhr.addEventListener("load", function () {
      var url = xhr.getResponseHeader("X-Preview-URL");
      if (url) {
        window.history.pushState({}, "", url);
      }
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", function () {
      form.submit();
    });
    xhr.send(new FormData(form));
  });
})();
