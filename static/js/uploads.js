// Upload slots: each chosen or dropped file is sent at once with a progress bar, then shown
// with its thumbnail (made by a job: asked for until ready), size and a remove button; the
// form then carries only the file ids. Errors stay with the file they are about.
(function () {
  "use strict";
  var root = document.querySelector("fieldset.uploads");
  if (!root || !window.FormData || !window.XMLHttpRequest) { return; }
  var form = root.closest("form");
  var csrf = form ? form.querySelector("[name=csrf_token]") : null;
  var texts = {
    uploading: root.getAttribute("data-text-uploading") || "上传中…",
    failed: root.getAttribute("data-text-failed") || "上传失败，请重试。",
    duplicate: root.getAttribute("data-text-duplicate") || "该文件已上传过。",
    remove: root.getAttribute("data-text-remove") || "删除",
    pages: root.getAttribute("data-text-pages") || "页"
  };

  function post(url, data, onProgress) {
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("Accept", "application/json");
      if (csrf) { xhr.setRequestHeader("X-CSRFToken", csrf.value); }
      if (onProgress && xhr.upload) { xhr.upload.onprogress = onProgress; }
      xhr.onload = function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        resolve({status: xhr.status, body: body});
      };
      xhr.onerror = function () { resolve({status: 0, body: null}); };
      xhr.send(data);
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function watchThumbnail(item, file) {
    var tries = 0;
    function ask() {
      tries += 1;
      fetch(file.status_url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          if (body && body.thumbnail === "ready") {
            var img = element("img");
            img.src = body.thumbnail_url;
            img.alt = body.name;
            item.querySelector(".thumb").replaceChildren(img);
          } else if (body && body.thumbnail === "pending" && tries < 60) {
            window.setTimeout(ask, 1000);
          }
        }).catch(function () {});
    }
    ask();
  }

  function show(item, slot, file, duplicate) {
    item.className = "file";
    item.setAttribute("data-file-id", file.id);
    var thumb = element("a", "thumb");
    thumb.href = file.view_url; thumb.target = "_blank"; thumb.rel = "noopener";
    thumb.appendChild(element("span", "thumb-placeholder", file.media_type === "application/pdf" ? "PDF" : "IMG"));
    var name = element("span", "file-name");
    var link = element("a", "", file.name);
    link.href = file.view_url; link.target = "_blank"; link.rel = "noopener";
    name.appendChild(link);
    var meta = file.size_text + (file.pages ? " · " + file.pages + texts.pages : "") + (duplicate ? " · " + texts.duplicate : "");
    name.appendChild(element("span", "muted", meta));
    var hidden = element("input");
    hidden.type = "hidden"; hidden.name = "materials-" + slot; hidden.value = file.id;
    var remove = element("button", "button small", texts.remove);
    remove.type = "button";
    remove.addEventListener("click", function () {
      remove.disabled = true;
      post(file.remove_url, new FormData()).then(function (result) {
        if (result.status === 200) { item.remove(); } else { remove.disabled = false; }
      });
    });
    item.replaceChildren(thumb, name, hidden, remove);
    if (file.thumbnail === "pending") { watchThumbnail(item, file); }
    else if (file.thumbnail === "ready") {
      var img = element("img"); img.src = file.thumbnail_url; img.alt = file.name; thumb.replaceChildren(img);
    }
  }

  function fail(item, fileName, message) {
    item.className = "file error";
    item.setAttribute("role", "alert");
    var close = element("button", "button small", "×");
    close.type = "button";
    close.setAttribute("aria-label", texts.remove);
    close.addEventListener("click", function () { item.remove(); });
    item.replaceChildren(element("span", "file-name", fileName + "：" + (message || texts.failed)), close);
  }

  function send(slotNode, file) {
    var slot = slotNode.getAttribute("data-slot");
    var list = slotNode.querySelector(".files");
    var item = element("li", "file");
    var bar = element("progress");
    bar.max = 100; bar.value = 0;
    bar.setAttribute("aria-label", file.name);
    item.append(element("span", "file-name", file.name + " — " + texts.uploading), bar);
    list.appendChild(item);
    var data = new FormData();
    data.append("service", root.getAttribute("data-service"));
    data.append("slot", slot);
    data.append("application_id", root.getAttribute("data-application"));
    data.append("file", file);
    post(root.getAttribute("data-upload-url"), data, function (event) {
      if (event.lengthComputable) { bar.value = Math.round(event.loaded * 100 / event.total); }
    }).then(function (result) {
      if ((result.status === 201 || result.status === 200) && result.body) {
        if (result.status === 200 && list.querySelector('[data-file-id="' + result.body.id + '"]')) {
          fail(item, file.name, texts.duplicate);
          return;
        }
        show(item, slot, result.body, result.status === 200);
      } else {
        fail(item, file.name, result.body && result.body.message);
      }
    });
  }

  Array.prototype.forEach.call(root.querySelectorAll(".slot[data-slot]"), function (slotNode) {
    var input = slotNode.querySelector("input[type=file]");
    var drop = slotNode.querySelector(".drop");
    function take(files) {
      Array.prototype.forEach.call(files, function (file) { send(slotNode, file); });
    }
    input.addEventListener("change", function () {
      take(input.files);
      input.value = "";  // the bytes are sent already; the form carries the ids
    });
    drop.addEventListener("dragover", function (event) { event.preventDefault(); drop.classList.add("dragover"); });
    drop.addEventListener("dragleave", function () { drop.classList.remove("dragover"); });
    drop.addEventListener("drop", function (event) {
      event.preventDefault();
      drop.classList.remove("dragover");
      take(event.dataTransfer.files);
    });
    Array.prototype.forEach.call(slotNode.querySelectorAll("button[data-remove]"), function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        button.disabled = true;
        post(button.getAttribute("data-remove"), new FormData()).then(function (result) {
          if (result.status === 200) { button.closest("li").remove(); } else { button.disabled = false; }
        });
      });
    });
    Array.prototype.forEach.call(slotNode.querySelectorAll("li.file[data-thumbnail=pending]"), function (item) {
      watchThumbnail(item, {status_url: item.getAttribute("data-status-url")});
    });
    var wallet = slotNode.querySelector("[data-wallet-select]");
    if (wallet) {
      wallet.addEventListener("change", function () {
        if (!wallet.value) { return; }
        var data = new FormData();
        data.append("service", root.getAttribute("data-service"));
        data.append("slot", slotNode.getAttribute("data-slot"));
        data.append("application_id", root.getAttribute("data-application"));
        data.append("certificate_id", wallet.value);
        var item = element("li", "file", texts.uploading);
        slotNode.querySelector(".files").appendChild(item);
        post(root.getAttribute("data-wallet-url"), data).then(function (result) {
          if ((result.status === 201 || result.status === 200) && result.body) { show(item, slotNode.getAttribute("data-slot"), result.body, result.status === 200); }
          else { fail(item, wallet.options[wallet.selectedIndex].text, result.body && result.body.message); }
          wallet.value = "";
        });
      });
    }
  });
})();
