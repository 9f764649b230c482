// Conditional questions: a block marked data-asked-when="<field>" data-asked-values="a b" is
// shown only while the answer to <field> is one of the values (a tick box answers True/False).
// A hidden block's inputs are disabled, so an answer given before changing one's mind is not
// sent; the server drops it anyway.
(function () {
  "use strict";

  function answer(form, name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.disabled) continue;
      if (input.type === "radio") {
        if (input.checked) return input.value;
        continue;
      }
      if (input.type === "checkbox") return input.checked ? "True" : "False";
      return input.value;
    }
    return null;
  }

  function update(form) {
    var blocks = form.querySelectorAll("[data-asked-when]");
    // A question may depend on another conditional one: repeat until nothing changes.
    for (var pass = 0; pass <= blocks.length; pass++) {
      var changed = false;
      for (var i = 0; i < blocks.length; i++) {
        var block = blocks[i];
        var values = block.getAttribute("data-asked-values").split(" ");
        var show = values.indexOf(answer(form, block.getAttribute("data-asked-when"))) !== -1;
        if (block.hidden !== !show) {
          block.hidden = !show;
          changed = true;
        }
        var controls = block.querySelectorAll("input, select, textarea, button");
        for (var j = 0; j < controls.length; j++) controls[j].disabled = !show;
      }
      if (!changed) break;
    }
  }

  var forms = document.querySelectorAll("form");
  for (var i = 0; i < forms.length; i++) {
    (function (form) {
      if (!form.querySelector("[data-asked-when]")) return;
      update(form);
      form.addEventListener("change", function () { update(form); });
    })(forms[i]);
  }
})();
