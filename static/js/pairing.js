// The one-to-one rule, live on the project editor: a long-term value without an annual one (or the
// reverse) is flagged as typed, with the server's texts (targets.selectors.PAIRING_PROBLEMS, in the
// page as <script type="application/json" id="pairing-problems">).
(function () {
  "use strict";
  const data = document.getElementById("pairing-problems");
  if (!data) return;
  const PAIRING = JSON.parse(data.textContent);
  document.querySelectorAll("tr.indicator").forEach((tr) => {
    const long = tr.querySelector("input.long"), annual = tr.querySelector("input.annual"), flag = tr.querySelector(".pair-flag");
    if (!long) return;
    const check = () => {
      const l = long.value.trim(), a = annual.value.trim();
      const problem = l && !a ? PAIRING.no_annual : a && !l ? PAIRING.no_long_term : "";
      tr.classList.toggle("unpaired", !!problem);
      flag.textContent = problem;
    };
    long.addEventListener("input", check); annual.addEventListener("input", check); check();
  });
})();
