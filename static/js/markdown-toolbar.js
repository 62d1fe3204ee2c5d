// A Markdown toolbar above every <textarea data-markdown> (and every @mention editor, which
// is Markdown too): bold, italic, link, list, quote and code, as real buttons in an ARIA
// toolbar with one tab stop and arrow-key roving focus, plus Ctrl/Cmd+B, I, K and E in the
// text area. Edits go through execCommand("insertText") so Ctrl+Z undoes them one by one;
// setRangeText is the fallback. The buttons and words come from the translated
// <template id="markdown-toolbar"> (templates/_partials/markdown_toolbar.html).
const SELECTOR = "textarea[data-markdown], textarea[data-mentions]";
const SHORTCUTS = { b: "bold", i: "italic", k: "link", e: "code" };

function replaceSelection(textarea, text, selectFrom, selectTo) {
  const start = textarea.selectionStart;
  textarea.focus();
  // execCommand keeps the browser's undo stack; it is deprecated but has no replacement yet.
  const done = document.execCommand && document.execCommand("insertText", false, text);
  if (!done || textarea.value.slice(start, start + text.length) !== text) {
    textarea.setRangeText(text, start, textarea.selectionEnd, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }
  textarea.setSelectionRange(start + selectFrom, start + selectTo);
}

function wrap(textarea, before, after, placeholder) {
  const { selectionStart: s, selectionEnd: e, value } = textarea;
  const selected = value.slice(s, e);
  // Pressed again on the text it just marked: take the marks away (but "*" inside "**"
  // is bold, not italic).
  const doubled = before.length === 1 && value.charAt(s - 2) === before;
  if (selected && !doubled && value.slice(s - before.length, s) === before
      && value.slice(e, e + after.length) === after) {
    textarea.setSelectionRange(s - before.length, e + after.length);
    replaceSelection(textarea, selected, 0, selected.length);
    return;
  }
  const inner = selected || placeholder;
  replaceSelection(textarea, before + inner + after, before.length, before.length + inner.length);
}

function prefixLines(textarea, prefix, placeholder) {
  const { value } = textarea;
  // Whole lines: from the start of the first selected line to the end of the last.
  const start = value.lastIndexOf("\n", textarea.selectionStart - 1) + 1;
  let end = value.indexOf("\n", textarea.selectionEnd);
  if (end === -1) end = value.length;
  textarea.setSelectionRange(start, end);
  const lines = (value.slice(start, end) || placeholder).split("\n");
  const text = lines.map((line) => prefix + line).join("\n");
  replaceSelection(textarea, text, prefix.length, text.length);
}

function apply(action, textarea, words) {
  const selected = textarea.value.slice(textarea.selectionStart, textarea.selectionEnd);
  switch (action) {
    case "bold": return wrap(textarea, "**", "**", words.bold);
    case "italic": return wrap(textarea, "*", "*", words.italic);
    case "code":
      if (selected.includes("\n")) return wrap(textarea, "```\n", "\n```", words.code);
      return wrap(textarea, "`", "`", words.code);
    case "list": return prefixLines(textarea, "- ", words.item);
    case "quote": return prefixLines(textarea, "> ", words.quote);
    case "link": {
      const label = selected || words.link;
      const text = `[${label}](https://)`;
      // The address is what is left to type: select "https://" after the label.
      return replaceSelection(textarea, text, label.length + 3, label.length + 11);
    }
    default: return undefined;
  }
}

function roving(toolbar) {
  const buttons = [...toolbar.querySelectorAll("button")];
  buttons.forEach((b, i) => b.setAttribute("tabindex", i === 0 ? "0" : "-1"));
  toolbar.addEventListener("keydown", (event) => {
    const index = buttons.indexOf(document.activeElement);
    if (index === -1) return;
    const moves = {
      ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: buttons.length - 1,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = buttons[(moves[event.key] + buttons.length) % buttons.length];
    buttons[index].setAttribute("tabindex", "-1");
    next.setAttribute("tabindex", "0");
    next.focus();
  });
}

function enhance(textarea, template) {
  const words = template.dataset;
  const toolbar = template.content.firstElementChild.cloneNode(true);
  if (textarea.id) toolbar.setAttribute("aria-controls", textarea.id);
  textarea.before(toolbar);
  roving(toolbar);
  toolbar.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-md]");
    if (button) apply(button.dataset.md, textarea, words);
  });
  textarea.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    const action = SHORTCUTS[event.key.toLowerCase()];
    if (!action) return;
    event.preventDefault();
    apply(action, textarea, words);
  });
}

export function initMarkdownToolbars(root = document) {
  const template = document.getElementById("markdown-toolbar");
  if (!template) return;
  for (const textarea of root.querySelectorAll(SELECTOR)) {
    if (textarea.readOnly || textarea.dataset.markdownToolbar) continue;
    textarea.dataset.markdownToolbar = "on";
    enhance(textarea, template);
  }
}
