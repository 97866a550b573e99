// Files that take a while (a PDF printed by LibreOffice, 全部附件): a link or form marked
// data-job starts the export job without leaving the page, shows that it is being made (a
// spinner, the steps, the seconds), and the file arrives by itself when ready. Without this
// script the same link or form opens the job's page, which does the same.
(function () {
  "use strict";
  const csrf = () => (document.querySelector("[name=csrfmiddlewaretoken]") || {}).value || "";

  function statusBox(trigger) {
    let box = trigger.parentElement.querySelector(".job-wait");
    if (!box) {
      box = document.createElement("span");
      box.className = "job-wait";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      trigger.insertAdjacentElement("afterend", box);
    }
    return box;
  }

  function say(box, text, state) {
    box.className = "job-wait" + (state ? " " + state : "");
    box.textContent = text;
  }

  async function wait(trigger, what, request) {
    if (trigger.dataset.busy) return;
    trigger.dataset.busy = "1";
    trigger.setAttribute("aria-disabled", "true");
    const box = statusBox(trigger);
    const started = Date.now();
    const seconds = () => Math.round((Date.now() - started) / 1000);
    const ticker = setInterval(() => say(box, `正在生成${what}，请稍候…（${seconds()} 秒）`, "busy"), 1000);
    say(box, `正在生成${what}，请稍候…`, "busy");
    try {
      let job = await (await request()).json();
      while (job.status === "pending" || job.status === "running") {
        await new Promise((resolve) => setTimeout(resolve, 800));
        job = await (await fetch(job.page, { credentials: "same-origin", headers: { Accept: "application/json" } })).json();
        if (job.total) say(box, `正在生成${what}：${job.status_label} ${job.done}/${job.total}（${seconds()} 秒）`, "busy");
      }
      clearInterval(ticker);
      if (job.status === "done") {
        say(box, `${what}已生成（${seconds()} 秒），正在下载 ${job.download_name}`, "done");
        window.location.href = job.download;
      } else {
        say(box, `${what}未能生成：${job.error}`, "failed");
        const link = document.createElement("a");
        link.href = job.page;
        link.textContent = " 查看并重试";
        box.appendChild(link);
      }
    } catch (err) {
      clearInterval(ticker);
      say(box, `${what}未能开始生成（网络错误），请稍后重试`, "failed");
    } finally {
      delete trigger.dataset.busy;
      trigger.removeAttribute("aria-disabled");
    }
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-job]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    wait(link, link.dataset.job || "文件", () => fetch(link.href, { credentials: "same-origin", headers: { Accept: "application/json" } }));
  });

  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-job]");
    if (!form || event.defaultPrevented) return;
    event.preventDefault();
    wait(form.querySelector("button") || form, form.dataset.job || "文件", () =>
      fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrf() },
        body: new FormData(form),
      }));
  });
})();
