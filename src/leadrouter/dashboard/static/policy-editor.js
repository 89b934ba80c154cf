// Turns the policy textarea into a CodeMirror editor (vendored, YAML highlighting, line numbers)
// when the editor loaded; without JavaScript the textarea works as it is. The textarea stays the
// form field: each change is copied back and announced as a keyup, which the check and the
// backtest listen for. Tab leaves the editor (keyboard users must be able to); Enter keeps the
// indentation and Ctrl-] / Ctrl-[ indent or outdent.
document.addEventListener("DOMContentLoaded", () => {
  const area = document.getElementById("policy-text");
  if (!area || !window.CodeMirror) return;
  const editor = CodeMirror.fromTextArea(area, {
    mode: "yaml",
    lineNumbers: true,
    readOnly: area.readOnly,
    indentUnit: 2,
    tabSize: 2,
    inputStyle: "contenteditable",
    screenReaderLabel: "Policy YAML (policy.yaml)",
    extraKeys: { Tab: () => CodeMirror.Pass, "Shift-Tab": () => CodeMirror.Pass },
  });
  // CodeMirror marks its editable element "presentation"; it is the text box people type in.
  const input = editor.getInputField();
  input.setAttribute("role", "textbox");
  input.setAttribute("aria-multiline", "true");
  editor.on("changes", () => {
    editor.save();
    area.dispatchEvent(new KeyboardEvent("keyup"));
  });
});
