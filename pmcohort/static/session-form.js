// Progressive enhancement: show only the fields that belong to the chosen kind of session.
// Without JavaScript every field stays visible and the server ignores the ones that do not apply.
(function () {
  var kind = document.getElementById("kind");
  if (!kind) return;
  var fields = document.querySelectorAll("[data-for-kind]");
  function update() {
    fields.forEach(function (field) { field.hidden = field.dataset.forKind !== kind.value; });
  }
  kind.addEventListener("change", update);
  update();
})();
