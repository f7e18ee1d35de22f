// "All present" ticks present for every student; the teacher then changes the exceptions and saves.
document.querySelector("[data-all-present]").addEventListener("click", function () {
  document.querySelectorAll("#roll-call input[type=radio][value=present]").forEach(function (input) {
    input.checked = true;
  });
});
