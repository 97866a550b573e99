// Behaviour the templates ask for by attribute, on every page. The Content-Security-Policy runs
// scripts from files only (no inline <script>, no onclick=…) and refuses style="…" attributes.
// - select[data-autosubmit]: posts its form when changed.
// - input[type=checkbox][data-select-all="selector"]: checks or unchecks every box the selector finds.
// - [data-width="42"]: a bar's width in percent (set through the DOM, which the policy allows).
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  document.querySelectorAll("input[data-select-all]").forEach((box) => {
    box.addEventListener("change", () => {
      document.querySelectorAll(box.dataset.selectAll).forEach((other) => { other.checked = box.checked; });
    });
  });
  document.querySelectorAll("[data-width]").forEach((el) => {
    const percent = Number(el.dataset.width);
    if (Number.isFinite(percent)) el.style.width = Math.max(0, Math.min(100, percent)) + "%";
  });
})();
