/* The API docs page (Swagger UI): the controls Swagger UI draws without a name get one, for screen
 * readers (axe: select-name, label; docs/accessibility.md). A parameter's select or input is named
 * after its parameter, as its row shows it. Swagger UI redraws as operations open, so this watches. */
(function () {
  "use strict";
  const root = document.getElementById("swagger-ui");
  if (!root) return;
  function name() {
    root.querySelectorAll("tr[data-param-name]").forEach((row) => {
      row.querySelectorAll("select:not([aria-label]), input:not([aria-label]), textarea:not([aria-label])").forEach((control) => {
        if (control.labels && control.labels.length) return;
        control.setAttribute("aria-label", row.dataset.paramName + (row.dataset.paramIn ? ` (${row.dataset.paramIn})` : ""));
      });
    });
  }
  new MutationObserver(name).observe(root, { childList: true, subtree: true });
  name();
})();
