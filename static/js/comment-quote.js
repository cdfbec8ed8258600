// 批注: "引用选中的文字" copies the text the editor selected (in the body editor or anywhere on
// the page) into the comment's quote field. The selection is remembered as it changes, since
// pressing the button may move the focus and clear it.
(function () {
  "use strict";
  var button = document.getElementById("comment-take-selection");
  var field = document.getElementById("comment-quote");
  if (!button || !field) {
    return;
  }
  var chosen = "";
  document.addEventListener("selectionchange", function () {
    var selection = window.getSelection();
    var text = selection ? selection.toString().trim() : "";
    if (text && !field.contains(selection.anchorNode)) {
      chosen = text;
    }
  });
  button.hidden = false;
  button.addEventListener("click", function () {
    if (!chosen) {
      button.setCustomValidity("请先在正文中选中要批注的文字。");
      button.reportValidity();
      return;
    }
    button.setCustomValidity("");
    field.value = chosen.slice(0, 500);
    document.getElementById("comment-text").focus();
  });
})();
