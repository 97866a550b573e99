// An export job's page follows the job until it is done or failed (#job[data-url] answers its JSON).
(function poll() {
  "use strict";
  const box = document.getElementById("job");
  if (!box) return;
  fetch(box.dataset.url, {credentials: "same-origin"}).then((r) => r.json()).then((job) => {
    document.getElementById("job-status").textContent = job.status_label;
    document.getElementById("job-count").textContent = `${job.done}/${job.total}`;
    document.getElementById("job-progress").value = job.percent;
    document.getElementById("job-error").textContent = job.error;
    document.getElementById("job-retry").hidden = job.status !== "failed";
    if (job.status === "done") document.getElementById("job-download").hidden = false;
    else if (job.status !== "failed") setTimeout(poll, 800);
  });
})();
