// The hall's call display (/display/<unit_code>): polls the calls JSON every few seconds,
// redraws the latest call and the list, flashes a new call, and (when switched on by a
// click, as browsers require) reads it out with the speech synthesiser. No inline handlers:
// the page's CSP allows only scripts from 'self'.
(function () {
  "use strict";
  var root = document.getElementById("display");
  if (!root) { return; }
  var url = root.getAttribute("data-url");
  var latestBox = document.getElementById("latest");
  var latestCall = document.getElementById("latest-call");
  var list = document.getElementById("calls");
  var waiting = document.getElementById("waiting");
  var clock = document.getElementById("clock");
  var speechButton = document.getElementById("speech");
  var label = function (name) { return root.getAttribute("data-label-" + name) || ""; };
  var lastKey = latestBox.getAttribute("data-key") || "";
  var speak = false;
  var POLL_MS = 3000;

  function text(tag, content, className) {
    var node = document.createElement(tag);
    node.textContent = content;
    if (className) { node.className = className; }
    return node;
  }

  function drawLatest(call) {
    latestCall.textContent = "";
    if (!call) {
      latestCall.appendChild(text("span", label("none"), "display-empty"));
      return;
    }
    latestCall.appendChild(document.createTextNode(label("please") + " "));
    latestCall.appendChild(text("span", call.number, "number"));
    latestCall.appendChild(document.createTextNode(" " + label("to") + " "));
    latestCall.appendChild(text("span", String(call.window), "window"));
    latestCall.appendChild(document.createTextNode(" " + label("window")));
  }

  function drawList(calls) {
    var rows = document.createDocumentFragment();
    calls.forEach(function (call) {
      var row = document.createElement("tr");
      var number = text("td", call.number);
      if (call.recall) { number.appendChild(text("span", label("recall"), "recall")); }
      row.appendChild(number);
      row.appendChild(text("td", String(call.window), "win"));
      row.appendChild(text("td", call.called_at, "time"));
      rows.appendChild(row);
    });
    list.textContent = "";
    list.appendChild(rows);
  }

  function announce(call) {
    latestBox.classList.remove("flash");
    void latestBox.offsetWidth; // restart the animation
    latestBox.classList.add("flash");
    if (speak && window.speechSynthesis) {
      var phrase = root.getAttribute("data-speech-template")
        .replace("{number}", call.number.split("").join(" ")).replace("{window}", call.window);
      var utterance = new SpeechSynthesisUtterance(phrase);
      utterance.lang = document.documentElement.lang || "zh-CN";
      window.speechSynthesis.speak(utterance);
    }
  }

  function draw(data) {
    var calls = data.calls || [];
    var latest = calls[0];
    drawLatest(latest);
    drawList(calls.slice(1));
    waiting.textContent = data.waiting;
    if (data.now) { clock.textContent = data.now.slice(11, 16); }
    var key = latest ? latest.key : "";
    if (key && key !== lastKey) { announce(latest); }
    lastKey = key;
    latestBox.setAttribute("data-key", key);
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, cache: "no-store", credentials: "same-origin" })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(draw)
      .catch(function () { /* keep the last screen; try again at the next tick */ })
      .then(function () { window.setTimeout(poll, POLL_MS); });
  }

  if (speechButton) {
    if (!window.speechSynthesis) {
      speechButton.hidden = true;
    } else {
      speechButton.addEventListener("click", function () {
        speak = !speak;
        speechButton.setAttribute("aria-pressed", speak ? "true" : "false");
        speechButton.textContent = speak ? label("speech-on") : label("speech-off");
      });
    }
  }
  window.setTimeout(poll, POLL_MS);
}());
