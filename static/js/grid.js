/* 绩效目标管理 — the target-table grid.
 *
 * Cells move like Excel (arrows, Tab, Enter), typing starts editing, Esc cancels.
 * A committed cell is saved at once (per row, one request at a time, carrying the
 * row's version). The server parses the value; a value it refuses stays in the cell,
 * marked in red, and is not saved. A block pasted from Excel or Word (tab-separated
 * rows) fills the cells from the cursor after a preview. A save refused because
 * someone else saved the row first shows their values and lets the user reload or
 * overwrite knowingly. A row is submitted only when every cell on screen is saved,
 * and after a confirmation.
 *
 * For the keyboard and screen readers (issue 22 §4) the table is an ARIA grid with one Tab stop: the
 * cell last visited has tabindex 0, every other cell -1 (a roving tabindex), so Tab enters the grid
 * on that cell and the next Tab leaves it; arrows and Enter move inside. A refused cell carries
 * aria-invalid and aria-describedby naming the server's message (kept in #grid-messages).
 */
(function () {
  "use strict";
  const sheet = document.getElementById("sheet");
  if (!sheet) return;
  const statusbar = document.getElementById("statusbar");
  const csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
  const saveUrl = (rowId) => sheet.dataset.saveUrl.replace("/0/", "/" + rowId + "/");
  const rows = () => Array.from(sheet.querySelectorAll("tr.datarow"));
  const cellsOf = (tr) => Array.from(tr.querySelectorAll("td.cell"));
  let editing = null; // {td, input, original}
  const messages = document.getElementById("grid-messages");

  // The roving tabindex: the one cell of the grid in the Tab order.
  let active = sheet.querySelector("td.cell");
  if (active) active.tabIndex = 0;
  function activate(td) {
    if (td === active) return;
    if (active) active.tabIndex = -1;
    td.tabIndex = 0;
    active = td;
  }
  const skip = document.getElementById("skip-to-grid");
  if (skip && active) {
    skip.addEventListener("click", (event) => {
      event.preventDefault();
      active.focus();
    });
  }

  // A refused value: the cell says so to assistive technology, with the reason as its description.
  function markRefused(td, message) {
    td.classList.add("error");
    td.setAttribute("aria-invalid", "true");
    const id = `cell-msg-${td.closest("tr").dataset.row}-${td.dataset.col}`;
    let note = document.getElementById(id);
    if (!note) {
      note = document.createElement("span");
      note.id = id;
      messages.appendChild(note);
    }
    note.textContent = `${td.dataset.label}：${message}（未保存）`;
    td.setAttribute("aria-describedby", id);
  }

  function clearRefused(td) {
    td.classList.remove("error");
    td.removeAttribute("aria-invalid");
    const id = td.getAttribute("aria-describedby");
    if (id) {
      td.removeAttribute("aria-describedby");
      const note = document.getElementById(id);
      if (note) note.remove();
    }
  }

  function say(text, isError) {
    statusbar.textContent = text;
    statusbar.classList.toggle("error", !!isError);
  }

  function editable(td) {
    const tr = td.closest("tr");
    if (tr.dataset.editable !== "1") return false;
    const reopened = tr.dataset.reopened;
    // After a partial reopen the 文字目标 is listed as "narrative" when it was reopened too.
    return !reopened || reopened.split(",").includes(td.dataset.col);
  }

  function position(td) {
    const tr = td.closest("tr");
    return [rows().indexOf(tr), cellsOf(tr).indexOf(td)];
  }

  function cellAt(r, c) {
    const all = rows();
    if (r < 0 || r >= all.length) return null;
    const cells = cellsOf(all[r]);
    if (!cells.length) return null;
    return cells[Math.max(0, Math.min(c, cells.length - 1))];
  }

  function move(td, dr, dc) {
    const [r, c] = position(td);
    let target = cellAt(r + dr, c + dc);
    if (dc && !target) target = cellAt(r + dr, c);
    if (dc !== 0 && cellsOf(td.closest("tr")).length === c + dc) target = cellAt(r + 1, 0); // Tab past the end
    // Past the last row or cell the cursor stays where it is, as in Excel (not on the page, 10-18 Tabs away).
    (target || td).focus();
  }

  function startEdit(td, initial) {
    if (!editable(td)) {
      say(`“${td.closest("tr").dataset.unit}”的这一行当前不能修改（已提交、已通过或无权限）`, true);
      return;
    }
    const original = td.dataset.pending !== undefined ? td.dataset.pending : td.textContent;
    const input = document.createElement(td.dataset.col === "narrative" ? "textarea" : "input");
    input.value = initial !== undefined ? initial : original;
    input.className = "cell-input";
    input.setAttribute("aria-label", td.dataset.label);
    td.textContent = "";
    td.appendChild(input);
    input.focus();
    editing = { td, input, original };
  }

  function stopEdit(commit) {
    if (!editing) return;
    const { td, input, original } = editing;
    editing = null;
    const value = input.value;
    td.textContent = commit ? value : original;
    if (commit && value !== original) saveRow(td.closest("tr"), { [td.dataset.col]: value });
  }

  // One request at a time per row, so each carries the version the last one returned. Resolves with
  // what became of the values: {unit, saved: cells saved, refused: [messages], conflict, failed}.
  const queues = new Map();
  function saveRow(tr, values, force) {
    const previous = queues.get(tr) || Promise.resolve();
    const next = previous.then(() => send(tr, values, force)).catch(() => ({ unit: tr.dataset.unit, failed: true }));
    queues.set(tr, next);
    return next;
  }

  async function send(tr, values, force) {
    const body = { version: Number(tr.dataset.version), values: {} };
    for (const [col, raw] of Object.entries(values)) {
      if (col === "narrative") body.narrative = raw;
      else body.values[col] = raw;
    }
    const tds = Object.keys(values).map((col) => tr.querySelector(`td.cell[data-col="${col}"]`));
    tds.forEach((td) => td.classList.add("saving"));
    say("正在保存…");
    let response, data;
    try {
      response = await fetch(saveUrl(tr.dataset.row), {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(body),
        credentials: "same-origin",
      });
      data = await response.json();
    } catch (err) {
      tds.forEach((td) => { td.classList.remove("saving"); markRefused(td, "网络错误"); });
      say("网络错误，未保存，请检查网络后重试", true);
      return { unit: tr.dataset.unit, failed: true };
    }
    tds.forEach((td) => td.classList.remove("saving"));
    if (response.ok) {
      tr.dataset.version = data.version;
      tr.querySelector(".v").textContent = data.version;
      const badge = tr.querySelector(".status");
      badge.className = "status st-" + data.status;
      badge.textContent = data.status_label;
      tr.className = "datarow st-" + data.status;
      const readings = [];
      tds.forEach((td) => {
        clearRefused(td);
        delete td.dataset.pending;
        td.removeAttribute("title");
        const saved = data.cells[td.dataset.col];
        if (saved) {
          td.textContent = saved.raw;
          const warning = flag(td, (data.warnings || {})[td.dataset.col] || [], (data.confirmed || {})[td.dataset.col]);
          td.title = "识别为：" + saved.reading + (warning ? "；请核实：" + warning : "");
          readings.push(`${td.dataset.label}：${saved.raw || "（空）"} → ${saved.reading}${warning ? "（请核实：" + warning + "）" : ""}`);
        }
      });
      say(`已保存（版本 ${data.version}）${readings.length ? "。" + readings.join("；") : ""}`);
      return { unit: tr.dataset.unit, saved: tds.length };
    } else if (response.status === 409 && data.conflict) {
      tds.forEach((td) => { td.dataset.pending = values[td.dataset.col]; }); // on screen, not saved
      showConflict(tr, values, data);
      return { unit: tr.dataset.unit, conflict: true };
    } else {
      const errors = data.errors || {};
      tds.forEach((td) => {
        const message = errors[td.dataset.col];
        if (message || !Object.keys(errors).length) {
          markRefused(td, message || data.message || "保存失败");
          td.dataset.pending = values[td.dataset.col];
          td.title = message || data.message;
        }
      });
      const refused = Object.values(errors).length ? Object.values(errors) : [data.message || "保存失败"];
      say(refused.join("；") + "（未保存）", true);
      return { unit: tr.dataset.unit, refused };
    }
  }

  // A pasted block is saved a row at a time, not all at once: 16 rows in parallel made 16 writers
  // contend for the database (SQLite answered some with 503) and the server's other users wait.
  async function savePasted(changes) {
    const results = [];
    let n = 0;
    for (const [tr, values] of changes) {
      n += 1;
      say(`正在保存粘贴的内容：第 ${n}/${changes.size} 行（${tr.dataset.unit}）…`);
      results.push(await saveRow(tr, values));
    }
    return results;
  }

  // After a paste, one message for the whole block: what was saved, and which rows were not and why
  // (each row's own message would otherwise replace the one before, leaving a middle row's).
  function sayPasted(results) {
    const saved = results.reduce((n, r) => n + (r.saved || 0), 0);
    const rowsSaved = results.filter((r) => r.saved).length;
    const problems = [];
    const refused = results.filter((r) => r.refused);
    if (refused.length) problems.push("未保存：" + refused.map((r) => `${r.unit}（${r.refused.join("；")}）`).join("、"));
    const conflicts = results.filter((r) => r.conflict);
    if (conflicts.length) problems.push("与他人的修改冲突：" + conflicts.map((r) => r.unit).join("、"));
    const failed = results.filter((r) => r.failed);
    if (failed.length) problems.push("网络错误未保存：" + failed.map((r) => r.unit).join("、"));
    say(`粘贴完成：已保存 ${saved} 格（${rowsSaved} 行）` + (problems.length ? "；" + problems.join("；") : ""), problems.length > 0);
  }

  // A plausibility warning (targets.plausibility) from the save's answer: the value is saved; the
  // cell is marked (the style sheet shows "请核实", or "已说明" once the unit gave a reason for it).
  function flag(td, warnings, reason) {
    const text = warnings.map((w) => w.message).join("；");
    if (text) td.dataset.warning = text; else delete td.dataset.warning;
    if (text && reason) td.dataset.warningConfirmed = reason; else delete td.dataset.warningConfirmed;
    return text;
  }

  // --- conflicts -------------------------------------------------------------------
  const conflictDialog = document.getElementById("conflict-dialog");
  function showConflict(tr, values, data) {
    const body = conflictDialog.querySelector("tbody");
    body.innerHTML = "";
    for (const [col, mine] of Object.entries(values)) {
      const td = tr.querySelector(`td.cell[data-col="${col}"]`);
      const theirs = col === "narrative" ? data.narrative : (data.current[col] || "");
      const line = body.insertRow();
      line.insertCell().textContent = td.dataset.label;
      line.insertCell().textContent = mine || "（空）";
      line.insertCell().textContent = theirs || "（空）";
    }
    conflictDialog.querySelector(".summary").textContent =
      `“${tr.dataset.unit}”这一行已由 ${data.by} 于 ${data.at} 保存（现为版本 ${data.version}），您的修改尚未保存。`;
    conflictDialog.onclick = (event) => {
      const act = event.target.dataset.act;
      if (!act) return;
      conflictDialog.close();
      tr.dataset.version = data.version;
      tr.querySelector(".v").textContent = data.version;
      if (act === "reload") {
        cellsOf(tr).forEach((td) => {
          const col = td.dataset.col;
          td.textContent = col === "narrative" ? data.narrative : (data.current[col] || "");
          clearRefused(td);
          delete td.dataset.pending;
        });
        say("已载入对方保存的值");
      } else if (act === "overwrite") {
        saveRow(tr, values);
      }
    };
    say("保存冲突：该行已被他人修改", true);
    conflictDialog.showModal();
  }

  // --- paste from Excel or Word ------------------------------------------------------
  function parseTsv(text) {
    // Excel quotes cells that hold tabs, newlines or quotes; Word tables paste as plain tabs.
    const out = [[]];
    let cell = "", quoted = false;
    text = text.replace(/\r\n?/g, "\n").replace(/\n$/, "");
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
        else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"' && cell === "") quoted = true;
      else if (ch === "\t") { out[out.length - 1].push(cell); cell = ""; }
      else if (ch === "\n") { out[out.length - 1].push(cell); cell = ""; out.push([]); }
      else cell += ch;
    }
    out[out.length - 1].push(cell);
    return out;
  }

  const pasteDialog = document.getElementById("paste-dialog");
  function pastePreview(start, text) {
    const block = parseTsv(text);
    const [r0, c0] = position(start);
    const changes = new Map(); // tr -> {col: raw}
    const skipped = [];
    const body = pasteDialog.querySelector("tbody");
    body.innerHTML = "";
    let count = 0;
    block.forEach((values, dr) => {
      const tr = rows()[r0 + dr];
      if (!tr) { skipped.push(`第 ${dr + 1} 行超出表格，已忽略`); return; }
      const cells = cellsOf(tr);
      values.forEach((raw, dc) => {
        const td = cells[c0 + dc];
        raw = raw.trim();
        if (!td) { skipped.push(`${tr.dataset.unit}：第 ${dc + 1} 列超出表格，已忽略`); return; }
        if (!editable(td)) { skipped.push(`${tr.dataset.unit}：${td.dataset.label} 不可修改，已忽略`); return; }
        if (td.textContent === raw) return;
        if (!changes.has(tr)) changes.set(tr, {});
        changes.get(tr)[td.dataset.col] = raw;
        const line = body.insertRow();
        line.insertCell().textContent = tr.dataset.unit;
        line.insertCell().textContent = td.dataset.label;
        line.insertCell().textContent = td.textContent || "（空）";
        line.insertCell().textContent = raw || "（空）";
        count++;
      });
    });
    pasteDialog.querySelector(".summary").textContent =
      count ? `将修改 ${count} 个单元格（${changes.size} 行），确认后保存：` : "粘贴的内容与现有值相同，没有需要修改的单元格。";
    const list = pasteDialog.querySelector(".skipped");
    list.innerHTML = "";
    skipped.forEach((text) => { const li = document.createElement("li"); li.textContent = text; list.appendChild(li); });
    pasteDialog.querySelector("[data-act=apply]").disabled = !count;
    pasteDialog.onclick = (event) => {
      const act = event.target.dataset.act;
      if (!act) return;
      pasteDialog.close();
      if (act === "apply") {
        for (const [tr, values] of changes) {
          for (const [col, raw] of Object.entries(values)) tr.querySelector(`td.cell[data-col="${col}"]`).textContent = raw;
        }
        savePasted(changes).then(sayPasted);
      } else {
        say("已取消粘贴");
      }
      start.focus();
    };
    pasteDialog.showModal();
  }

  // --- submitting a row ---------------------------------------------------------------
  // What is submitted is what the server holds: refuse while a cell of the row shows a
  // value the server has not accepted (refused, failed or still saving), then confirm.
  function unsavedCells(tr) {
    return cellsOf(tr).filter((td) => td.classList.contains("error") || td.classList.contains("saving")
      || td.dataset.pending !== undefined);
  }

  sheet.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.classList.contains("submit-form")) return;
    event.preventDefault();
    const tr = form.closest("tr");
    if (editing && editing.td.closest("tr") === tr) stopEdit(true);
    say("正在检查该行是否已全部保存…");
    await (queues.get(tr) || Promise.resolve());
    const unsaved = unsavedCells(tr);
    if (unsaved.length) {
      const labels = unsaved.map((td) => td.dataset.label).join("、");
      unsaved[0].focus(); // before the message, which focusing would otherwise replace
      say(`“${tr.dataset.unit}”有未保存或被拒绝的单元格（${labels}），请先改正并保存后再提交；未提交。`, true);
      return;
    }
    if (!window.confirm(`确定提交“${tr.dataset.unit}”的填报吗？提交后不能再修改，将由省局审核。`)) {
      say("已取消提交");
      return;
    }
    form.submit();
  });

  // --- keyboard and mouse ------------------------------------------------------------
  sheet.addEventListener("keydown", (event) => {
    const td = event.target.closest("td.cell");
    if (!td) return;
    if (editing && editing.td === td) {
      const multiline = editing.input.tagName === "TEXTAREA";
      if (event.key === "Escape") { event.preventDefault(); stopEdit(false); td.focus(); }
      else if (event.key === "Enter" && !(multiline && event.altKey)) { event.preventDefault(); stopEdit(true); move(td, 1, 0); }
      else if (event.key === "Tab") { event.preventDefault(); stopEdit(true); move(td, 0, event.shiftKey ? -1 : 1); }
      return;
    }
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], Enter: [1, 0] };
    if (event.key === "Tab") return; // the grid is one Tab stop: Tab leaves it, from the cell last visited
    if (moves[event.key]) { event.preventDefault(); move(td, ...moves[event.key]); }
    else if (event.key === "F2") { event.preventDefault(); startEdit(td); }
    else if (event.key === "Delete" || event.key === "Backspace") {
      event.preventDefault();
      if (editable(td) && td.textContent !== "") { td.textContent = ""; saveRow(td.closest("tr"), { [td.dataset.col]: "" }); }
    } else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      startEdit(td, event.key);
    } else if (event.key === "Process" || event.isComposing) {
      startEdit(td, ""); // a Chinese input method: let the composition land in the editor
    }
  });

  sheet.addEventListener("focusout", (event) => {
    if (editing && event.target === editing.input) stopEdit(true);
  });
  sheet.addEventListener("dblclick", (event) => {
    const td = event.target.closest("td.cell");
    if (td && !editing) startEdit(td);
  });
  sheet.addEventListener("paste", (event) => {
    const td = event.target.closest("td.cell");
    if (!td || editing) return;
    event.preventDefault();
    pastePreview(td, event.clipboardData.getData("text/plain"));
  });
  sheet.addEventListener("focusin", (event) => {
    const td = event.target.closest("td.cell");
    if (td) activate(td);
    if (td && !editing) {
      const tr = td.closest("tr");
      say(`${tr.dataset.unit} · ${td.dataset.label}${td.title ? " · " + td.title : ""}${editable(td) ? "" : "（只读）"}`,
          td.classList.contains("error"));
    }
  });
})();
