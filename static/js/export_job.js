// The export job's page: polls the job, shows its progress, and, when the page was opened by
// starting the job (data-auto="1"), fetches the file by itself once it is ready.
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
    document.getElementById("job-retry").hidden = job.status !== "failed";
    document.getElementById("job-waiting").hidden = job.status === "done" || job.status === "failed";
    if (job.status === "done") {
      document.getElementById("job-download").hidden = false;
      if (auto && !fetched) {
        fetched = true;
        document.getElementById("job-arrived").hidden = false;
        window.location.href = job.download;
      }
    }
    return job.status !== "done" && job.status !== "failed";
  }

  (function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => r.json())
      .then((job) => { if (show(job)) setTimeout(poll, 800); })
      .catch(() => setTimeout(poll, 3000));
  })();
})();
