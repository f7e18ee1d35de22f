// What htmx does not do: countdowns, toasts, and the live-connection badge and banner with a re-sync on
// reconnect.
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
  // A request that got no answer (the server went away) or an error page, which htmx does not swap in.
  function requestFailed() { toast(document.body.dataset.requestFailedText); }
  document.addEventListener("htmx:sendError", requestFailed);
  document.addEventListener("htmx:responseError", requestFailed);

  // Every page shows a banner while one of its live sockets is down, and hides it once all are back.
  function showLivePaused() {
    var banner = document.getElementById("live-paused");
    if (banner) banner.hidden = !document.querySelector("[data-live-down]");
  }

  // A live region shows whether its socket is up; after a reconnect it re-fetches itself, so nothing
  // pushed while it was offline stays missing.
  document.addEventListener("htmx:wsOpen", function (event) {
    var region = event.detail.elt;
    region.setAttribute("data-connected", "");
    region.removeAttribute("data-live-down");
    showLivePaused();
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
  // A server whose channel layer (Redis) is down closes its sockets with this code (notifications/consumers.py).
  // htmx's WebSocket extension reconnects only after a dropped connection, so the page sets the region up anew
  // (htmx does when one of its attributes changed); the extension retries any refusal after that itself.
  var TRY_AGAIN_LATER = 4013;

  document.addEventListener("htmx:wsClose", function (event) {
    var region = event.detail.elt;
    region.removeAttribute("data-connected");
    region.setAttribute("data-live-down", "");
    showLivePaused();
    if (event.detail.event.code === TRY_AGAIN_LATER) {
      setTimeout(function () {
        region.dataset.reconnect = String(Date.now());
        htmx.process(region);
      }, 1000 + Math.random() * 2000);
    }
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
