// Progressive enhancement for the matching board: follow a run's progress without
// reloading, and reload once it has finished. Without JavaScript a meta refresh does this.
(function () {
  var box = document.getElementById("run-progress");
  if (!box || !window.fetch) return;
  var stage = box.querySelector(".run-stage");
  var percent = box.querySelector(".run-percent");
  var meter = box.querySelector(".meter");
  function poll() {
    fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (run) {
        if (run.status !== "queued" && run.status !== "running") {
          window.location.assign(window.location.pathname);
          return;
        }
        stage.textContent = run.stage;
        percent.textContent = run.progress;
        meter.value = run.progress;
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
