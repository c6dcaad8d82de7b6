// Progressive enhancement for the document editor: save the draft every few seconds while typing.
// Without JavaScript, "Save draft" and "Save and preview" save it; nothing here is needed for that.
(function () {
  var form = document.getElementById("draft-form");
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById("autosave-status");
  var url = form.dataset.autosaveUrl;
  var EVERY_MS = 5000;
  var dirty = false;
  var saving = false;

  form.addEventListener("input", function () { dirty = true; });

  function save() {
    if (!dirty || saving) return;
    dirty = false;
    saving = true;
    var body = new FormData(form);
    body.set("action", "save");
    fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json().catch(function () { return { saved: false }; }); })
      .then(function (answer) {
        status.textContent = answer.saved ? "Draft saved at " + answer.saved_at + "." : "Not saved: " + (answer.error || "try Save draft.");
      })
      .catch(function () {
        dirty = true;
        status.textContent = "Not saved: the connection dropped. It is tried again in a few seconds.";
      })
      .then(function () { saving = false; });
  }

  window.setInterval(save, EVERY_MS);
})();
