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
  // Birth date and gender read from a resident ID number as it is typed (the server derives
  // and checks them again): <input data-id-number data-gender-target="id_gender">, followed by
  // <output data-derived-from-id data-label-birth data-label-male data-label-female data-mismatch>.
  document.querySelectorAll("input[data-id-number]").forEach((input) => {
    const select = document.getElementById(input.dataset.genderTarget || "");
    const output = input.parentElement.querySelector("output[data-derived-from-id]");
    if (!select || !output) return;
    let autoFilled = select.value === "";
    select.addEventListener("change", () => { autoFilled = false; show(); });
    const read = () => {
      const n = input.value.replace(/\s/g, "").toUpperCase();
      if (!/^\d{17}[\dX]$/.test(n)) return null;
      const [y, m, d] = [n.slice(6, 10), n.slice(10, 12), n.slice(12, 14)].map(Number);
      const born = new Date(Date.UTC(y, m - 1, d));
      if (born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d) return null;
      return { born: n.slice(6, 10) + "-" + n.slice(10, 12) + "-" + n.slice(12, 14), gender: Number(n[16]) % 2 ? "M" : "F" };
    };
    const show = () => {
      const found = read();
      if (!found) return;
      if (autoFilled) select.value = found.gender;
      const label = found.gender === "M" ? output.dataset.labelMale : output.dataset.labelFemale;
      let text = `${output.dataset.labelBirth} ${found.born} · ${label}`;
      if (select.value && select.value !== found.gender) text += ` · ${output.dataset.mismatch}`;
      output.textContent = text;
    };
    input.addEventListener("input", show);
    show();
  });
});
