// The table editor's unit list: select all, none, or a whole category; number the chosen units
// in the official order (the order of the list). A box ticked gets the next 序号, one unticked
// loses its number, so what is saved is what is shown.
(function () {
  "use strict";
  const form = document.querySelector("#unit-picker form");
  if (!form) return;
  const items = () => Array.from(form.querySelectorAll(".unitlist li"));
  const box = (li) => li.querySelector("input[type=checkbox]");
  const seq = (li) => li.querySelector("input.seq");
  const changed = () => form.dispatchEvent(new Event("change", { bubbles: true }));

  function nextNumber() {
    const numbers = items().map((li) => parseInt(seq(li).value, 10)).filter((n) => n > 0);
    return numbers.length ? Math.max(...numbers) + 1 : 1;
  }

  function tick(li, on) {
    if (box(li).checked === on) return;
    box(li).checked = on;
    seq(li).value = on ? String(nextNumber()) : "";
  }

  function count() {
    const picked = items().filter((li) => box(li).checked).length;
    form.querySelector(".picked").textContent = `已选 ${picked} / ${items().length} 个单位`;
  }

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-pick]");
    if (!button) return;
    const group = button.closest(".unit-group");
    const scope = group ? Array.from(group.querySelectorAll(".unitlist li")) : items();
    const pick = button.dataset.pick;
    if (pick === "all" || pick === "category") scope.forEach((li) => tick(li, true));
    if (pick === "none" || pick === "category-none") scope.forEach((li) => tick(li, false));
    if (pick === "official") {
      let n = 1;
      items().forEach((li) => { seq(li).value = box(li).checked ? String(n++) : ""; });
    }
    changed();
    count();
  });

  form.addEventListener("change", (event) => {
    if (event.target.type === "checkbox") {
      const li = event.target.closest("li");
      seq(li).value = event.target.checked ? String(nextNumber()) : "";
    }
    count();
  });
  count();
})();
