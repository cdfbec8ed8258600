// 复制到公众号: puts the article on the clipboard as HTML, with its text as plain text beside it,
// so that one paste into the official account's editor brings the styled article across. Where
// the Clipboard API cannot write HTML, the preview itself is selected and copied as the browser
// copies a selection, styles and all.
(function () {
  "use strict";

  var button = document.getElementById("wechat-copy");
  if (!button) return;
  var source = document.getElementById(button.dataset.source);
  var status = document.getElementById("wechat-copy-status");
  var DONE = "已复制。请到公众号编辑器的正文处粘贴（Ctrl+V，Mac 上 ⌘+V）。";
  var FAILED = "浏览器没有允许复制。请在下面的预览中按 Ctrl+A 全选（Mac 上 ⌘+A），再按 Ctrl+C 复制。";

  function say(text) {
    status.textContent = text;
  }

  function copySelection() {
    var selection = window.getSelection();
    var range = document.createRange();
    range.selectNodeContents(source);
    selection.removeAllRanges();
    selection.addRange(range);
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    selection.removeAllRanges();
    return copied;
  }

  button.addEventListener("click", function () {
    if (!(navigator.clipboard && navigator.clipboard.write && window.ClipboardItem)) {
      say(copySelection() ? DONE : FAILED);
      return;
    }
    var item = new ClipboardItem({
      "text/html": new Blob([source.innerHTML], { type: "text/html" }),
      "text/plain": new Blob([source.innerText], { type: "text/plain" }),
    });
    navigator.clipboard.write([item]).then(
      function () { say(DONE); },
      function () { say(copySelection() ? DONE : FAILED); }
    );
  });
})();
