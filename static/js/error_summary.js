// The error summary takes the focus when the page loads, so that a screen reader announces it
// and a keyboard user starts from it (GOV.UK's pattern); its links then jump to each field.
(function () {
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
