// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive or irreversible actions: <button data-confirm="...">.
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  });
  // Check-all box for bulk actions: <input type=checkbox data-check-all="name">.
  document.querySelectorAll("[data-check-all]").forEach((box) => {
    box.addEventListener("change", () => {
      document.querySelectorAll(`input[name="${box.dataset.checkAll}"]`).forEach((c) => {
        c.checked = box.checked;
      });
    });
  });
  // Live count and total of ticked rows, and a confirmation naming them before a bulk step:
  // <form data-selection-summary>, <input type=checkbox data-amount="1200.00">,
  // <output data-selected-count>, <output data-selected-total>,
  // <button data-confirm-selection="… {count} … {total} …" data-empty-selection="…">.
  const yuan = (fen) =>
    "¥" + (fen / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  document.querySelectorAll("form[data-selection-summary]").forEach((form) => {
    const selected = () => {
      const boxes = [...form.querySelectorAll("input[type=checkbox][data-amount]:checked")];
      const fen = boxes.reduce((sum, b) => sum + Math.round(parseFloat(b.dataset.amount) * 100), 0);
      return { count: boxes.length, total: yuan(fen) };
    };
    const update = () => {
      const { count, total } = selected();
      form.querySelectorAll("[data-selected-count]").forEach((o) => { o.textContent = count; });
      form.querySelectorAll("[data-selected-total]").forEach((o) => { o.textContent = total; });
    };
    form.addEventListener("change", update);
    update();
    form.querySelectorAll("[data-confirm-selection]").forEach((button) => {
      button.addEventListener("click", (event) => {
        const { count, total } = selected();
        if (count === 0) {
          event.preventDefault();
          window.alert(button.dataset.emptySelection || "");
          return;
        }
        const text = button.dataset.confirmSelection.replace("{count}", count).replace("{total}", total);
        if (!window.confirm(text)) event.preventDefault();
      });
    });
  });
});
