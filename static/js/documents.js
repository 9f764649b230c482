// Documents still being rendered: ask their status every two seconds and turn each into a
// download link once it is ready. Without JavaScript the page reloads itself (<noscript>).
(function () {
  "use strict";
  var pending = Array.prototype.slice.call(document.querySelectorAll("[data-document-status]"));
  var tries = 0;
  function check() {
    tries += 1;
    pending = pending.filter(function (item) {
      return item.getAttribute("data-done") !== "1";
    });
    if (!pending.length || tries > 150) { return; }
    pending.forEach(function (item) {
      fetch(item.getAttribute("data-document-status"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (!body || body.status !== "ready") { return; }
          var link = document.createElement("a");
          link.href = body.url;
          link.textContent = item.getAttribute("data-title");  // the label with "(PDF)", in the page's language
          item.setAttribute("data-done", "1");
          item.replaceChildren(link);
        })
        .catch(function () {});
    });
    window.setTimeout(check, 2000);
  }
  window.setTimeout(check, 1500);
})();
