// A session that checks where students are: the check-in form (marked data-locate) asks the browser for its
// position and sends it with the code. Declined or unavailable, the form goes without it and the server says why.
(function () {
  "use strict";

  document.addEventListener("htmx:confirm", function (event) {
    var form = event.detail.elt;
    if (!form.hasAttribute("data-locate")) return;
    event.preventDefault();
    // A second press while the browser looks for the position would send the code twice.
    if (form.dataset.locating) return;
    form.dataset.locating = "1";
    var fields = form.elements;
    function send(coords) {
      delete form.dataset.locating;
      fields.latitude.value = coords ? coords.latitude : "";
      fields.longitude.value = coords ? coords.longitude : "";
      fields.accuracy.value = coords ? coords.accuracy : "";
      event.detail.issueRequest(true);
    }
    if (!navigator.geolocation) {
      send(null);
      return;
    }
    navigator.geolocation.getCurrentPosition(
      function (position) { send(position.coords); },
      function () { send(null); },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 }
    );
  });
})();
