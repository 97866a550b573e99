// Typed input is never lost without a word.
// - form[data-track="名称"]: remembers whether it has unsaved changes.
// - Posting one tracked form while others have unsaved changes asks first (they would be lost on reload).
// - form[data-needs-saved]: refuses to post while any tracked form has unsaved changes (a submission
//   would send the stored values, not the ones on screen).
// - form[data-confirm="…"]: asks before posting.
// - form[data-refuse-if-filled="#id"][data-refuse-message="…"]: refuses while that field holds text
//   (e.g. approving while a return comment is typed).
// - Leaving the page with unsaved changes asks the browser's question.
(function () {
  "use strict";
  const dirty = new Set();
  let posting = false;

  document.querySelectorAll("form[data-track]").forEach((form) => {
    const mark = () => dirty.add(form);
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
  });

  const names = (forms) => forms.map((f) => "“" + f.dataset.track + "”").join("、");

  document.querySelectorAll("form").forEach((form) => {
    form.addEventListener("submit", (event) => {
      const others = Array.from(dirty).filter((f) => f !== form);
      let ok = true;
      if (form.dataset.refuseIfFilled) {
        const field = document.querySelector(form.dataset.refuseIfFilled);
        if (field && field.value.trim()) {
          window.alert(form.dataset.refuseMessage);
          ok = false;
        }
      }
      if (ok && form.hasAttribute("data-needs-saved") && dirty.size) {
        window.alert("以下部分有未保存的修改：" + names(Array.from(dirty)) + "。请先保存，再执行此操作。");
        ok = false;
      } else if (ok && form.hasAttribute("data-track") && others.length) {
        ok = window.confirm(names(others) + " 有未保存的修改，保存本部分后页面会刷新，这些修改将丢失。仍要继续吗？");
      }
      if (ok && form.dataset.confirm) ok = window.confirm(form.dataset.confirm);
      if (!ok) {
        event.preventDefault();
        event.stopImmediatePropagation();
        return;
      }
      posting = true;
    });
  });

  window.addEventListener("beforeunload", (event) => {
    if (dirty.size && !posting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
