// The export job's page: polls the job, shows its progress, and, when the page was opened by
// starting the job (data-auto="1"), fetches the file by itself once it is ready. A failed or an
// expired job offers its button (重试 / 重新导出) and stops polling.
(function () {
  "use strict";
  const box = document.getElementById("job");
  if (!box) return;
  const auto = box.dataset.auto === "1";
  let fetched = false;

  function show(job) {
    document.getElementById("job-status").textContent = job.status_label;
    document.getElementById("job-count").textContent = `${job.done}/${job.total}`;
    document.getElementById("job-progress").value = job.percent;
    document.getElementById("job-error").textContent = job.error;
    const over = job.status === "failed" || job.status === "expired";
    document.getElementById("job-retry").hidden = !over;
    document.getElementById("job-retry-button").textContent = job.status === "expired" ? "重新导出" : "重试";
    document.getElementById("job-waiting").hidden = job.status === "done" || over;
    document.getElementById("job-download").hidden = job.status !== "done";
    if (job.status === "done" && auto && !fetched) {
      fetched = true;
      document.getElementById("job-arrived").hidden = false;
      window.location.href = job.download;
    }
    return job.status !== "done" && !over;
  }

  (function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => r.json())
      .then((job) => { if (show(job)) setTimeout(poll, 800); })
      .catch(() => setTimeout(poll, 3000));
  })();
})();
