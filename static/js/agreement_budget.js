// Budget totals, shares and the 20% rule of a 任务书, live as amounts are typed. The share and the
// messages come from the server (projects.agreements.rules.page_rules, in the page as
// <script type="application/json" id="agreement-rules">): nothing of the rule is written here.
(function () {
  "use strict";
  const data = document.getElementById("agreement-rules");
  const form = document.getElementById("budget-form");
  if (!data || !form) return;
  const rules = JSON.parse(data.textContent);
  const num = (v) => { const n = parseFloat(String(v).replace(/,/g, "")); return isNaN(n) ? 0 : n; };
  const sum = (sel) => Array.from(form.querySelectorAll(sel)).reduce((t, i) => t + num(i.value), 0);
  const fmt = (n) => (Math.round(n * 100) / 100).toString();
  const say = (key, amounts) => rules.messages[key].replace(/\{(\w+)\}/g, (_, name) => amounts[name]);
  function check() {
    const total = sum("input.src"), special = num(form.querySelector("[name=source-special]").value);
    document.getElementById("source-total").textContent = fmt(total);
    form.querySelectorAll("td.share").forEach((td) => {
      const v = num(form.querySelector(`[name=source-${td.dataset.kind}]`).value);
      td.textContent = total ? fmt(100 * v / total) : "";
    });
    const alloc = sum("input.alloc"), exp = sum("input.exp");
    document.getElementById("alloc-total").textContent = fmt(alloc);
    document.getElementById("exp-total").textContent = fmt(exp);
    let equip = 0;
    form.querySelectorAll("input.equip").forEach((c) => { if (c.checked) equip += num(c.closest("tr").querySelector("input.exp").value); });
    const limit = special * rules.equipment_share;
    const amounts = {equipment: fmt(equip), limit: fmt(limit), allocated: fmt(alloc), expensed: fmt(exp), special: fmt(special)};
    const problems = [];
    if (equip > limit + 1e-9) problems.push(say("equipment_over", amounts));
    if (fmt(alloc) !== fmt(special)) problems.push(say("allocated_differs", amounts));
    if (fmt(exp) !== fmt(special)) problems.push(say("expensed_differs", amounts));
    const box = document.getElementById("budget-check");
    box.textContent = (problems.length ? problems.join("；") : say("agree", amounts)) + "。";
    box.className = problems.length ? "error" : "";
  }
  form.addEventListener("input", check);
  form.addEventListener("change", check);
})();
