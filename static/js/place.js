// On the course and session forms: fill the place's latitude and longitude with where the teacher stands (a
// session's location check then becomes its own).
(function () {
  "use strict";

  document.querySelectorAll("[data-use-position]").forEach(function (button) {
    var fields = button.form.elements;
    var status = button.parentElement.querySelector("[data-position-status]");
    button.addEventListener("click", function () {
      if (!navigator.geolocation) {
        status.textContent = button.dataset.failText;
        return;
      }
      status.textContent = button.dataset.waitText;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          fields.latitude.value = position.coords.latitude.toFixed(6);
          fields.longitude.value = position.coords.longitude.toFixed(6);
          if (fields.location_override) fields.location_override.value = "own";
          status.textContent = button.dataset.doneText.replace("%s", Math.round(position.coords.accuracy));
        },
        function () { status.textContent = button.dataset.failText; },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 }
      );
    });
  });
})();
