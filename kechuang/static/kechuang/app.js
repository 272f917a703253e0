/* Behaviour every page shares, bound by data attributes instead of inline handlers: the
   Content-Security-Policy allows no inline script (docs/deployment-security.md). Listeners
   sit on the document, so content htmx swaps in later behaves the same. */
(function () {
  "use strict";
  // <button data-confirm="删除该目标？">: ask first; "取消" stops the click.
  document.addEventListener("click", function (event) {
    const el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
      return;
    }
    // <input readonly data-select-on-click>: one click selects the whole text (a key to copy).
    const pick = event.target.closest("[data-select-on-click]");
    if (pick) {
      pick.select();
      return;
    }
    const back = event.target.closest("[data-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
  // <input type="checkbox" data-select-all="ids">: ticks every ids box of its table.
  document.addEventListener("change", function (event) {
    const all = event.target.closest("[data-select-all]");
    if (all) {
      const name = all.dataset.selectAll;
      for (const box of all.closest("table").querySelectorAll("input[name='" + name + "']")) {
        box.checked = all.checked;
      }
      return;
    }
    // <select data-autosubmit>: picking a value submits its form (the year pickers).
    const auto = event.target.closest("[data-autosubmit]");
    if (auto && auto.form) auto.form.submit();
  });
})();
