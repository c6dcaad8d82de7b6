// Progressive enhancement: prefill the time zone with the browser's own, if the field is untouched.
(function () {
  var field = document.getElementById("time_zone");
  if (!field || field.value !== "UTC" || !window.Intl) return;
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) field.value = zone;
  } catch (e) { /* keep UTC */ }
})();
