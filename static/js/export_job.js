// An export job's page follows the job until it is done, failed or expired (#job[data-url] answers its JSON).
(function poll() {
  "use strict";
  const box = document.getElementById("job");
  if (!box) return;
  fetch(box.dataset.url, {credentials: "same-origin"}).then((r) => r.json()).then((job) => {
    document.getElementById("job-status").textContent = job.status_label;
    document.getElementById("job-count").textContent = `${job.done}/${job.total}`;
    document.getElementById("job-progress").value = job.percent;
    document.getElementById("job-error").textContent = job.error;
    const over = job.status === "failed" || job.status === "expired";
    document.getElementById("job-retry").hidden = !over;
    document.getElementById("job-retry-button").textContent = job.status === "expired" ? "重新导出" : "重试";
    document.getElementById("job-download").hidden = job.status !== "done";
    if (job.status !== "done" && !over) setTimeout(poll, 800);
  });
})();
