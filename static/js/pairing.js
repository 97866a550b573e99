// The one-to-one rule, live on the project editor: as a long-term or annual value is typed, the
// indicators are sent to the server (projects.views.indicators_pairing, targets.selectors.pairing_problem)
// and each row shows the problem it answers. Nothing of the rule is decided here.
(function () {
  "use strict";
  const form = document.getElementById("indicators");
  if (!form || !form.dataset.pairingUrl || !form.querySelector("input.long")) return;
  let timer = null, asked = 0;
  async function ask() {
    const mine = ++asked;
    let answer;
    try {
      const response = await fetch(form.dataset.pairingUrl, {
        method: "POST", body: new FormData(form), credentials: "same-origin", headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      answer = await response.json();
    } catch (e) { return; }
    if (mine !== asked) return; // a later question is on its way: its answer is the one to show
    form.querySelectorAll("tr.indicator").forEach((tr) => {
      const problem = answer.problems[tr.dataset.id];
      if (problem === undefined) return;
      tr.classList.toggle("unpaired", !!problem);
      tr.querySelector(".pair-flag").textContent = problem;
    });
  }
  form.addEventListener("input", (event) => {
    if (!event.target.classList.contains("pair")) return;
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  });
})();
