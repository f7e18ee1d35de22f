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

  // A file over its field's limit is refused before it is sent, with the field's error in the server's words:
  // otherwise the whole form would travel, and a proxy may refuse it unread with no word of why. The server
  // checks again whatever the page did.
  function fileFits(input) {
    var limit = Number(input.dataset.maxBytes);
    var tooLarge = Array.prototype.some.call(input.files || [], function (file) { return file.size > limit; });
    var id = input.id + "-too-large";
    var feedback = document.getElementById(id);
    input.classList.toggle("is-invalid", tooLarge);
    input.setAttribute("aria-invalid", tooLarge ? "true" : "false");
    if (tooLarge && !feedback) {
      feedback = document.createElement("div");
      feedback.id = id;
      feedback.className = "invalid-feedback";
      feedback.textContent = input.dataset.tooLargeText;
      input.insertAdjacentElement("afterend", feedback);
      input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + id).trim());
    } else if (!tooLarge && feedback) {
      feedback.remove();
      input.setAttribute("aria-describedby", input.getAttribute("aria-describedby").replace(id, "").trim());
    }
    return !tooLarge;
  }
  var FILE_WITH_LIMIT = "input[type=file][data-max-bytes]";
  document.addEventListener("change", function (event) {
    if (event.target.matches(FILE_WITH_LIMIT)) fileFits(event.target);
  });
  document.addEventListener("submit", function (event) {
    var inputs = Array.prototype.slice.call(event.target.querySelectorAll(FILE_WITH_LIMIT));
    var refused = inputs.filter(function (input) { return !fileFits(input); });
    if (refused.length) {
      event.preventDefault();
      refused[0].focus();
    }
  });
})();
