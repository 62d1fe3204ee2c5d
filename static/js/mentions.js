// @mention suggestions in the Markdown editors: typing "@" and two letters of a username or
// of a name opens a list of members (ARIA 1.2: a textarea keeps its textbox role and gets
// aria-autocomplete="list", aria-controls and aria-activedescendant; the popup is a
// listbox). Without JavaScript the textarea stays plain text and @username still works.
const DELAY_MS = 150;
const MIN_CHARS = 2;
// "@" starting a word, then what a username may hold (forum/notifications/mentions.py).
const TOKEN = /(?:^|[^\w@/.+-])@([a-z0-9][a-z0-9._-]{0,31})$/i;
const USERNAME_CHARS = /^[a-z0-9._-]*/i;
// Box properties copied to the hidden mirror that finds the caret's pixel position.
const MIRRORED = [
  "boxSizing", "width", "borderTopWidth", "borderRightWidth", "borderBottomWidth",
  "borderLeftWidth", "paddingTop", "paddingRight", "paddingBottom", "paddingLeft",
  "fontStyle", "fontVariant", "fontWeight", "fontStretch", "fontSize", "lineHeight",
  "fontFamily", "textAlign", "textTransform", "textIndent", "letterSpacing", "wordSpacing",
  "tabSize", "whiteSpace", "overflowWrap", "wordBreak",
];

function caretOffset(textarea, position) {
  const mirror = document.createElement("div");
  const style = getComputedStyle(textarea);
  for (const name of MIRRORED) mirror.style[name] = style[name];
  Object.assign(mirror.style, {
    position: "absolute", visibility: "hidden", top: "0", left: "-9999px",
    whiteSpace: "pre-wrap", overflowWrap: "break-word", overflow: "hidden",
  });
  mirror.textContent = textarea.value.slice(0, position);
  const marker = document.createElement("span");
  marker.textContent = "\u200b";
  mirror.append(marker);
  document.body.append(mirror);
  const offset = {
    top: marker.offsetTop - textarea.scrollTop,
    left: marker.offsetLeft - textarea.scrollLeft,
    height: parseFloat(style.lineHeight) || marker.offsetHeight,
  };
  mirror.remove();
  return offset;
}

function announcer(config, status) {
  let last = "";
  return (count) => {
    let text = config.dataset.none;
    if (count === 1) text = config.dataset.one;
    else if (count > 1) text = config.dataset.many.replace("{n}", String(count));
    if (text === last) return;
    last = text;
    status.textContent = text;
  };
}

function enhance(textarea, config, announce, index) {
  const listId = `${textarea.id || `editor-${index}`}-menzioni`;
  const anchor = document.createElement("div");
  anchor.className = "mention-anchor";
  const list = document.createElement("ul");
  list.id = listId;
  list.className = "mention-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", config.dataset.label);
  list.hidden = true;
  anchor.append(list);
  textarea.after(anchor);
  textarea.setAttribute("aria-autocomplete", "list");
  textarea.setAttribute("aria-controls", listId);

  const thread = textarea.dataset.mentions;
  const cache = new Map();
  let timer = null;
  let controller = null;
  let token = null; // {start, term}: the "@..." being typed
  let items = [];
  let active = -1;

  const close = () => {
    clearTimeout(timer);
    controller?.abort();
    controller = null;
    token = null;
    items = [];
    active = -1;
    list.hidden = true;
    list.replaceChildren();
    textarea.removeAttribute("aria-activedescendant");
  };

  const highlight = (next) => {
    active = next;
    list.querySelectorAll("[role=option]").forEach((option, i) => {
      option.setAttribute("aria-selected", String(i === active));
    });
    if (active < 0) {
      textarea.removeAttribute("aria-activedescendant");
      return;
    }
    const option = list.children[active];
    textarea.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  };

  const place = () => {
    const caret = caretOffset(textarea, token.start);
    const top = caret.top + caret.height - textarea.offsetHeight;
    list.style.top = `${Math.min(0, Math.max(-textarea.offsetHeight, top))}px`;
    const room = textarea.offsetWidth - list.offsetWidth;
    list.style.left = `${Math.max(0, Math.min(caret.left, room))}px`;
  };

  const insert = (index) => {
    const chosen = items[index];
    if (!chosen || !token) return;
    const caret = textarea.selectionStart;
    const rest = USERNAME_CHARS.exec(textarea.value.slice(caret))[0];
    const after = textarea.value.charAt(caret + rest.length);
    const spaced = /\s/.test(after);
    textarea.setRangeText(`@${chosen.username}${spaced ? "" : " "}`, token.start,
      caret + rest.length, "end");
    if (spaced) { // a space already follows: the caret goes past it
      const end = textarea.selectionEnd + 1;
      textarea.setSelectionRange(end, end);
    }
    close();
    textarea.dispatchEvent(new Event("input", { bubbles: true })); // the live preview follows
  };

  const show = (results) => {
    items = results;
    active = -1;
    textarea.removeAttribute("aria-activedescendant");
    list.replaceChildren(...results.map((member, i) => {
      const option = document.createElement("li");
      option.id = `${listId}-${i}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      const handle = document.createElement("span");
      handle.className = "mention-username";
      handle.textContent = `@${member.username}`;
      const name = document.createElement("span");
      name.className = "mention-name";
      name.textContent = member.display_name;
      option.append(handle, " ", name);
      return option;
    }));
    list.hidden = results.length === 0;
    if (results.length) place();
    announce(results.length);
  };

  const lookup = async (term) => {
    const key = term.toLowerCase();
    if (cache.has(key)) {
      show(cache.get(key));
      return;
    }
    controller?.abort();
    controller = new AbortController();
    const query = new URLSearchParams({ q: term });
    if (thread) query.set("question", thread);
    try {
      const response = await fetch(`${config.dataset.url}?${query}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller.signal,
      });
      if (!response.ok) {
        close(); // signed out, not allowed or too many requests: plain text still works
        return;
      }
      const results = await response.json();
      if (!Array.isArray(results)) return;
      cache.set(key, results);
      if (token && token.term.toLowerCase() === key) show(results);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  };

  const update = () => {
    const caret = textarea.selectionStart;
    const match = textarea.selectionEnd === caret && TOKEN.exec(textarea.value.slice(0, caret));
    if (!match || match[1].length < MIN_CHARS) {
      close();
      return;
    }
    const term = match[1];
    token = { start: caret - term.length - 1, term };
    clearTimeout(timer);
    timer = setTimeout(() => lookup(term), DELAY_MS);
  };

  textarea.addEventListener("input", (event) => {
    if (event.isComposing) return;
    update();
  });
  textarea.addEventListener("keydown", (event) => {
    if (list.hidden || event.isComposing || !items.length) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      const start = active < 0 && step < 0 ? items.length : active;
      highlight((start + step + items.length) % items.length);
    } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
      event.preventDefault();
      insert(active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (["ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"].includes(event.key)) {
      close();
    }
  });
  textarea.addEventListener("blur", close);
  textarea.addEventListener("click", close);
  // Keep the focus (and the caret) in the textarea while the list is clicked.
  list.addEventListener("mousedown", (event) => event.preventDefault());
  list.addEventListener("click", (event) => {
    const option = event.target.closest("[role=option]");
    if (option) insert([...list.children].indexOf(option));
  });
}

export function initMentions(root = document) {
  const config = document.getElementById("mention-config");
  const status = document.getElementById("mention-status");
  if (!config || !status || !config.dataset.url) return;
  const announce = announcer(config, status);
  root.querySelectorAll("textarea[data-mentions]").forEach((textarea, index) => {
    enhance(textarea, config, announce, index);
  });
}
