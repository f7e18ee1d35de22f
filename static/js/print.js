// The register's print button (inline handlers are not allowed by the Content Security Policy).
document.querySelector("[data-print]").addEventListener("click", function () { window.print(); });
