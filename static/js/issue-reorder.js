// The issue page: move an article within its section by dragging its row, or with the row's
// 上移/下移 buttons (the keyboard's way); drag it onto a row of another section to move it there,
// as choosing that section in its row does. The place numbers follow the new order, and saving
// the page stores them. Rows whose place is locked (published articles) stay put, and a row whose
// section is locked (approved articles keep the section their reviewers signed) stays in it.
"use strict";

(function () {
  const table = document.querySelector("#articles-group table");
  if (!table) {
    return;
  }

  const place = (row) => row.querySelector("td.field-position input");
  const movable = (row) => row.matches("tr.form-row.has_original") && place(row) && !place(row).disabled;
  const title = (row) => (row.querySelector("td.field-title input") || {}).value || "";
  const sectionChoice = (row) => row.querySelector("td.field-section select");
  const mayChangeSection = (row) => sectionChoice(row) && !sectionChoice(row).disabled;

  // Whether ``dragged`` may be dropped on ``row``: in its own section, or in another one if its
  // section may change there.
  function accepts(row, dragged) {
    if (!dragged || dragged === row) {
      return false;
    }
    return section(row).includes(dragged) || (mayChangeSection(dragged) && sectionChoice(row));
  }

  // The rows of the section ``row`` belongs to: the run between two section headings.
  function section(row) {
    let first = row;
    while (first.previousElementSibling && !first.previousElementSibling.classList.contains("toc-section")) {
      first = first.previousElementSibling;
    }
    const rows = [];
    for (let r = first; r && !r.classList.contains("toc-section"); r = r.nextElementSibling) {
      if (movable(r)) {
        rows.push(r);
      }
    }
    return rows;
  }

  function renumber(row) {
    section(row).forEach((r, index) => {
      const input = place(r);
      if (input.value !== String(index + 1)) {
        input.value = String(index + 1);
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  function move(row, by) {
    const rows = section(row);
    const target = rows[rows.indexOf(row) + by];
    if (!target) {
      return;
    }
    target.insertAdjacentElement(by < 0 ? "beforebegin" : "afterend", row);
    renumber(row);
  }

  function button(label, text, by, row) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "reorder-button";
    b.textContent = text;
    b.setAttribute("aria-label", `${label}《${title(row)}》`);
    b.addEventListener("click", () => {
      move(row, by);
      b.focus();
    });
    return b;
  }

  let dragged = null;
  table.querySelectorAll("tbody tr.form-row").forEach((row) => {
    if (!movable(row)) {
      return;
    }
    const cell = row.querySelector("td.field-position");
    cell.append(button("上移", "↑", -1, row), button("下移", "↓", 1, row));
    row.draggable = true;
    row.classList.add("reorderable");
    row.addEventListener("dragstart", (event) => {
      dragged = row;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", title(row));
    });
    row.addEventListener("dragend", () => {
      dragged = null;
    });
    row.addEventListener("dragover", (event) => {
      if (accepts(row, dragged)) {
        event.preventDefault();
      }
    });
    row.addEventListener("drop", (event) => {
      if (!accepts(row, dragged)) {
        return;
      }
      event.preventDefault();
      const moved = dragged;
      const left = section(moved).filter((r) => r !== moved)[0];
      if (!section(row).includes(moved)) {
        const choice = sectionChoice(moved);
        choice.value = sectionChoice(row).value;
        choice.dispatchEvent(new Event("change", { bubbles: true }));
      }
      const box = row.getBoundingClientRect();
      const after = event.clientY > box.top + box.height / 2;
      row.insertAdjacentElement(after ? "afterend" : "beforebegin", moved);
      renumber(row);
      if (left) {
        renumber(left);
      }
    });
  });
})();
