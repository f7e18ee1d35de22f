// What htmx does not do: countdowns, toasts, and the live-connection badge with a re-sync on reconnect.
(function () {
  "use strict";

  function tickCountdowns() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var left = Math.round((new Date(el.dataset.countdown) - Date.now()) / 1000);
      if (left <= 0) {
        el.textContent = el.dataset.expiredText || "0:00";
        return;
      }
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      el.textContent = minutes + ":" + String(seconds).padStart(2, "0");
    });
  }
  setInterval(tickCountdowns, 1000);
  document.addEventListener("DOMContentLoaded", tickCountdowns);
  document.addEventListener("htmx:afterSettle", tickCountdowns);

  function showToasts() {
    if (!window.bootstrap) return;
    document.querySelectorAll("[data-new-toast]").forEach(function (el) {
      el.removeAttribute("data-new-toast");
      el.addEventListener("hidden.bs.toast", function () { el.remove(); });
      window.bootstrap.Toast.getOrCreateInstance(el, { delay: 6000 }).show();
    });
  }
  document.addEventListener("htmx:oobAfterSwap", showToasts);
  document.addEventListener("htmx:afterSettle", showToasts);

  function toast(text, variant) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var el = document.createElement("div");
    el.className = "toast text-bg-" + (variant || "danger");
    el.setAttribute("role", "alert");
    el.setAttribute("data-new-toast", "");
    var body = document.createElement("div");
    body.className = "toast-body";
    body.textContent = text;
    el.appendChild(body);
    box.appendChild(el);
    showToasts();
  }
  document.addEventListener("showError", function (event) { toast(event.detail.value); });

  // A live region shows whether its socket is up; after a reconnect it re-fetches itself, so nothing
  // pushed while it was offline stays missing.
  document.addEventListener("htmx:wsOpen", function (event) {
    var region = event.detail.elt;
    region.setAttribute("data-connected", "");
    var badge = region.querySelector("[data-live-status]");
    if (badge) {
      badge.textContent = badge.dataset.onlineText;
      badge.className = "badge text-bg-success";
    }
    if (region.dataset.wasOpen) {
      // The personal socket serves the whole page; a session socket only its own region.
      var scope = region.hasAttribute("data-personal-socket") ? document : region;
      scope.querySelectorAll("[hx-trigger='resync']").forEach(function (el) { htmx.trigger(el, "resync"); });
    }
    region.dataset.wasOpen = "1";
  });
  document.addEventListener("htmx:wsClose", function (event) {
    event.detail.elt.removeAttribute("data-connected");
    var badge = event.detail.elt.querySelector("[data-live-status]");
    if (badge) {
      badge.textContent = badge.dataset.offlineText;
      badge.className = "badge text-bg-warning";
    }
  });
})();
