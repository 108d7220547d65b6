/* jixiao review report: sorting and filtering the forms, linking rows to page boxes, and keeping a
 * person's corrections in localStorage until they are exported as corrections.csv.
 * Document text is only ever read and written as text (textContent, innerText, dataset), never as HTML. */
(function () {
  "use strict";

  var PREFIX = "jixiao.corrections.";
  var memoryStore = {}; // used when the browser refuses localStorage for file:// pages

  function storage() {
    try {
      var probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }
  var store = storage();

  function readEdits(formId) {
    var raw = store ? store.getItem(PREFIX + formId) : memoryStore[formId];
    if (!raw) return {};
    try {
      var parsed = JSON.parse(raw);
      return parsed && typeof parsed === "object" ? parsed : {};
    } catch (e) {
      return {};
    }
  }

  function writeEdits(formId, edits) {
    var empty = Object.keys(edits).length === 0;
    var raw = JSON.stringify(edits);
    if (store) {
      if (empty) store.removeItem(PREFIX + formId);
      else store.setItem(PREFIX + formId, raw);
    } else if (empty) {
      delete memoryStore[formId];
    } else {
      memoryStore[formId] = raw;
    }
  }

  function allFormIds() {
    var ids = [];
    if (store) {
      for (var i = 0; i < store.length; i++) {
        var key = store.key(i);
        if (key && key.indexOf(PREFIX) === 0 && key !== PREFIX + "probe") ids.push(key.slice(PREFIX.length));
      }
    } else {
      ids = Object.keys(memoryStore);
    }
    return ids.sort();
  }

  function editKey(seq, field) { return seq + ":" + field; }

  /* ------------------------------------------------------------------ corrections export */

  function csvField(value) {
    var text = value == null ? "" : String(value);
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function correctionRows() {
    var rows = [];
    allFormIds().forEach(function (formId) {
      var edits = readEdits(formId);
      Object.keys(edits).sort(function (a, b) {
        var sa = parseInt(a, 10), sb = parseInt(b, 10);
        return sa !== sb ? sa - sb : (a < b ? -1 : a > b ? 1 : 0);
      }).forEach(function (key) {
        var e = edits[key];
        rows.push([formId, e.seq, e.field, e.value, e.original]);
      });
    });
    return rows;
  }

  function exportCorrections() {
    var rows = correctionRows();
    var lines = [["form_id", "seq", "field", "value", "original"]].concat(rows).map(function (r) {
      return r.map(csvField).join(",");
    });
    // BOM: spreadsheet programs then read the Chinese text as UTF-8
    var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "corrections.csv";
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  function refreshCounts() {
    var total = 0;
    allFormIds().forEach(function (formId) {
      var n = Object.keys(readEdits(formId)).length;
      total += n;
      document.querySelectorAll("[data-edits-of]").forEach(function (cell) {
        if (cell.getAttribute("data-edits-of") === formId) {
          cell.textContent = String(n);
          cell.setAttribute("data-value", String(n));
        }
      });
    });
    document.querySelectorAll("[data-edit-count]").forEach(function (el) {
      el.textContent = total + (total === 1 ? " correction" : " corrections");
      el.classList.toggle("has-edits", total > 0);
    });
  }

  /* ------------------------------------------------------------------ editing on a form page */

  function cellSeq(cell) {
    var row = cell.closest("[data-seq]");
    return row ? parseInt(row.getAttribute("data-seq"), 10) || 0 : 0;
  }

  /* A correction that this run already applied (data-extracted: the value read before it) stays in
   * the browser's list, so that an export always holds every correction, old and new. */
  function appliedEntry(cell) {
    return { seq: cellSeq(cell), field: cell.getAttribute("data-field"),
             value: cell.getAttribute("data-original") || "",
             original: cell.getAttribute("data-extracted") || "", applied: true };
  }

  function seedAppliedOnFormPage(formId) {
    var edits = readEdits(formId), changed = false;
    document.querySelectorAll(".editable[data-extracted]").forEach(function (cell) {
      var key = editKey(cellSeq(cell), cell.getAttribute("data-field"));
      if (!Object.prototype.hasOwnProperty.call(edits, key)) {
        edits[key] = appliedEntry(cell);
        changed = true;
      }
    });
    if (changed) writeEdits(formId, edits);
  }

  function seedAppliedFromOverview() {
    var byForm = {};
    document.querySelectorAll("[data-applied-corrections] li").forEach(function (li) {
      var formId = li.getAttribute("data-form-id");
      var seq = parseInt(li.getAttribute("data-seq"), 10) || 0;
      var field = li.getAttribute("data-field");
      var edits = byForm[formId] || (byForm[formId] = { edits: readEdits(formId), seeded: {} });
      var key = editKey(seq, field);
      if (edits.seeded[key]) {
        edits.edits[key].value = li.getAttribute("data-value") || "";  // a later line of the same cell
      } else if (!Object.prototype.hasOwnProperty.call(edits.edits, key)) {
        edits.edits[key] = { seq: seq, field: field, value: li.getAttribute("data-value") || "",
                             original: li.getAttribute("data-original") || "", applied: true };
        edits.seeded[key] = true;
      }
    });
    Object.keys(byForm).forEach(function (formId) {
      if (Object.keys(byForm[formId].seeded).length) writeEdits(formId, byForm[formId].edits);
    });
  }

  function showState(cell, edit) {
    var original = cell.getAttribute("data-original") || "";
    var pending = !!edit && edit.value !== original;
    cell.classList.toggle("edited", pending);
    cell.classList.toggle("corrected", !pending && cell.hasAttribute("data-extracted"));
    if (cell.hasAttribute("data-extracted")) {
      cell.title = "corrected by hand; read as: " + cell.getAttribute("data-extracted");
    }
  }

  function setupEditing(formId) {
    seedAppliedOnFormPage(formId);
    var edits = readEdits(formId);
    document.querySelectorAll(".editable[data-field]").forEach(function (cell) {
      var field = cell.getAttribute("data-field");
      var key = editKey(cellSeq(cell), field);
      var edit = Object.prototype.hasOwnProperty.call(edits, key) ? edits[key] : null;
      if (edit && edit.value !== cell.getAttribute("data-original")) cell.textContent = edit.value;
      showState(cell, edit);
      cell.setAttribute("contenteditable", "true");
      cell.setAttribute("spellcheck", "false");
      cell.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" && !ev.shiftKey) {
          ev.preventDefault();
          cell.blur();
        } else if (ev.key === "Escape") {
          ev.preventDefault();
          var current = readEdits(formId)[key];
          cell.textContent = current ? current.value : cell.getAttribute("data-original");
          cell.blur();
        }
      });
      cell.addEventListener("paste", function (ev) {
        // keep pasted content plain text
        ev.preventDefault();
        var text = (ev.clipboardData || window.clipboardData).getData("text");
        document.execCommand("insertText", false, text);
      });
      cell.addEventListener("blur", function () { commit(formId, cell, key, field); });
    });
  }

  function commit(formId, cell, key, field) {
    // innerText keeps the line breaks a person typed (Shift+Enter); the cell shows them (pre-wrap)
    var value = cell.innerText.replace(/\u00a0/g, " ").replace(/\r\n?/g, "\n").trim();
    var original = cell.getAttribute("data-original") || "";
    var edits = readEdits(formId);
    if (value === original) {
      if (cell.hasAttribute("data-extracted")) edits[key] = appliedEntry(cell);
      else delete edits[key];
    } else {
      var before = edits[key] && edits[key].applied ? edits[key].original : original;
      edits[key] = { seq: cellSeq(cell), field: field, value: value, original: before };
    }
    if (cell.textContent !== value) cell.textContent = value;
    showState(cell, edits[key]);
    writeEdits(formId, edits);
    refreshCounts();
  }

  function setupDiscard(formId) {
    var button = document.querySelector("[data-discard-edits]");
    if (!button) return;
    button.addEventListener("click", function () {
      var edits = readEdits(formId);
      var pending = Object.keys(edits).filter(function (k) { return !edits[k].applied; });
      if (!pending.length) return;
      if (!window.confirm("Discard the " + pending.length + " unexported edit(s) of this form?")) return;
      writeEdits(formId, {});
      seedAppliedOnFormPage(formId);
      document.querySelectorAll(".editable[data-field]").forEach(function (cell) {
        cell.textContent = cell.getAttribute("data-original") || "";
        showState(cell, null);
      });
      refreshCounts();
    });
  }

  /* ------------------------------------------------------------------ rows <-> page boxes */

  function highlight(seq, scrollTo) {
    document.querySelectorAll("tr.indicator-row.active").forEach(function (r) { r.classList.remove("active"); });
    document.querySelectorAll(".box.active").forEach(function (b) { b.classList.remove("active"); });
    var row = document.querySelector('tr.indicator-row[data-seq="' + seq + '"]');
    if (row) row.classList.add("active");
    var boxes = document.querySelectorAll('.box[data-seq="' + seq + '"]');
    boxes.forEach(function (b) { b.classList.add("active"); });
    if (scrollTo === "box" && boxes.length) {
      var pane = document.querySelector("[data-page-images]");
      var first = boxes[0].getBoundingClientRect();
      if (pane) {
        var paneRect = pane.getBoundingClientRect();
        pane.scrollTop += first.top - paneRect.top - paneRect.height / 3;
      }
    } else if (scrollTo === "row" && row) {
      row.scrollIntoView({ block: "center", behavior: "smooth" });
    }
  }

  function setupPageLinks() {
    document.querySelectorAll("tr.indicator-row").forEach(function (row) {
      row.addEventListener("click", function () { highlight(row.getAttribute("data-seq"), "box"); });
    });
    document.querySelectorAll(".box").forEach(function (box) {
      box.addEventListener("click", function () { highlight(box.getAttribute("data-seq"), "row"); });
    });
  }

  function setupPageSize() {
    var button = document.querySelector("[data-toggle-pages]");
    var layout = document.querySelector(".form-layout");
    if (!button || !layout) return;
    var key = "jixiao.view.pagesWide";
    function apply(wide) {
      layout.classList.toggle("pages-wide", wide);
      button.setAttribute("aria-pressed", wide ? "true" : "false");
      button.textContent = wide ? "Smaller page" : "Larger page";
    }
    apply(!!(store && store.getItem(key)));
    button.addEventListener("click", function () {
      var wide = !layout.classList.contains("pages-wide");
      apply(wide);
      if (store) { if (wide) store.setItem(key, "1"); else store.removeItem(key); }
    });
  }

  /* ------------------------------------------------------------------ overview: sort and filter */

  function setupSorting(table) {
    var headers = table.querySelectorAll("th[data-sort]");
    headers.forEach(function (th, index) {
      th.setAttribute("tabindex", "0");
      function sort() {
        var numeric = th.getAttribute("data-sort") === "num";
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows).filter(function (r) { return r.hasAttribute("data-form-id"); });
        rows.sort(function (a, b) {
          var va = a.cells[index].getAttribute("data-value") || "";
          var vb = b.cells[index].getAttribute("data-value") || "";
          var cmp;
          if (numeric) {
            var na = va === "" ? Infinity : parseFloat(va), nb = vb === "" ? Infinity : parseFloat(vb);
            cmp = na - nb;
          } else {
            cmp = va.localeCompare(vb, "zh-CN");
          }
          return ascending ? cmp : -cmp;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (ev) { if (ev.key === "Enter") sort(); });
    });
  }

  function setupFilters(table) {
    var box = document.querySelector("[data-form-filters]");
    if (!box) return;
    var text = box.querySelector("[data-filter-text]");
    var errors = box.querySelector("[data-filter-errors]");
    var warnings = box.querySelector("[data-filter-warnings]");
    var confidence = box.querySelector("[data-filter-confidence]");
    var count = box.querySelector("[data-filter-count]");
    function apply() {
      var needle = text.value.trim().toLowerCase();
      var below = confidence.value === "" ? null : parseFloat(confidence.value);
      var shown = 0, total = 0;
      table.querySelectorAll("tbody tr[data-form-id]").forEach(function (row) {
        total++;
        var ok = true;
        if (errors.checked && !(parseInt(row.getAttribute("data-errors"), 10) > 0)) ok = false;
        if (warnings.checked && !(parseInt(row.getAttribute("data-warnings"), 10) > 0)) ok = false;
        if (below !== null && !(parseFloat(row.getAttribute("data-min-confidence")) < below)) ok = false;
        if (needle && row.textContent.toLowerCase().indexOf(needle) < 0) ok = false;
        row.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = shown + " of " + total + " forms";
    }
    [text, errors, warnings, confidence].forEach(function (el) {
      el.addEventListener("input", apply);
      el.addEventListener("change", apply);
    });
    apply();
  }

  /* ------------------------------------------------------------------ start */

  document.addEventListener("DOMContentLoaded", function () {
    seedAppliedFromOverview();
    var formId = document.body.getAttribute("data-form-id");
    if (formId) {
      setupEditing(formId);
      setupDiscard(formId);
      setupPageLinks();
      setupPageSize();
    }
    var table = document.querySelector("[data-forms-table]");
    if (table) {
      setupSorting(table);
      setupFilters(table);
    }
    document.querySelectorAll("[data-export-corrections]").forEach(function (b) {
      b.addEventListener("click", exportCorrections);
    });
    refreshCounts();
    if (!store) {
      document.querySelectorAll("[data-edit-count]").forEach(function (el) {
        el.title = "This browser keeps no storage for pages opened from disk: export before leaving the page.";
      });
    }
  });
})();
