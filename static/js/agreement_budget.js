// The budget section's totals, shares and check, live as amounts are typed. The page holds no rule
// and compares nothing: it sends the section as typed to the server (agreement_budget_check, the
// same Decimal rules as the save and the submission) and shows what the server answers.
(function () {
  "use strict";
  const form = document.getElementById("budget-form");
  if (!form || !form.dataset.checkUrl) return;
  const box = document.getElementById("budget-check");
  const show = (id, text) => { if (text !== undefined) document.getElementById(id).textContent = text; };
  let timer = null, asked = 0;
  async function ask() {
    const mine = ++asked;
    let answer;
    try {
      const response = await fetch(form.dataset.checkUrl, {
        method: "POST", body: new FormData(form), credentials: "same-origin", headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      answer = await response.json();
    } catch (e) { return; }
    if (mine !== asked) return; // a later question is on its way: its answer is the one to show
    show("source-total", answer.total);
    show("alloc-total", answer.allocated);
    show("exp-total", answer.expensed);
    if (answer.shares) form.querySelectorAll("td.share").forEach((td) => { td.textContent = answer.shares[td.dataset.kind] || ""; });
    box.textContent = answer.text;
    box.className = answer.problems.length ? "error" : "";
  }
  const later = () => { clearTimeout(timer); timer = setTimeout(ask, 250); };
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
