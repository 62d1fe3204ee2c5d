// Existing tags while typing in a tags field (<input data-tag-suggestions>, tags separated
// by commas): the tag being typed is looked up by prefix in the API's tag list, most used
// first, and offered in a listbox with each tag's number of questions. ARIA 1.2 combobox:
// the input gets role="combobox", aria-expanded, aria-controls and aria-activedescendant;
// arrows choose, Enter adds, Esc closes, a live region says how many were found. Without
// JavaScript the field is the plain text field it always was.
const DELAY_MS = 150;
const LIMIT = 8;

function currentToken(input) {
  const caret = input.selectionStart;
  const before = input.value.slice(0, caret);
  const start = before.lastIndexOf(",") + 1;
  const term = before.slice(start).trimStart();
  return { start: caret - term.length, end: caret, term: term.toLowerCase() };
}

function enhance(input, config, status, index) {
  const words = config.dataset;
  const listId = `${input.id || `etichette-${index}`}-suggerimenti`;
  const anchor = document.createElement("div");
  anchor.className = "mention-anchor tag-anchor";
  const list = document.createElement("ul");
  list.id = listId;
  list.className = "mention-list tag-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", words.label);
  list.hidden = true;
  anchor.append(list);
  input.after(anchor);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);
  input.setAttribute("autocomplete", "off");

  const cache = new Map();
  let timer = null;
  let controller = null;
  let items = [];
  let active = -1;
  let lastAnnounced = "";

  const announce = (text) => {
    if (text === lastAnnounced) return;
    lastAnnounced = text;
    status.textContent = text;
  };

  const close = () => {
    clearTimeout(timer);
    controller?.abort();
    items = [];
    active = -1;
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  };

  const highlight = (next) => {
    active = next;
    [...list.children].forEach((option, i) => {
      option.setAttribute("aria-selected", String(i === active));
    });
    const option = list.children[active];
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }
  };

  const choose = (i) => {
    const tag = items[i];
    if (!tag) return;
    const token = currentToken(input);
    const head = input.value.slice(0, token.start);
    const after = input.value.slice(token.end);
    const comma = after.indexOf(",");
    const tail = comma === -1 ? "" : after.slice(comma + 1).trimStart();
    input.value = `${head}${tag.name}, ${tail}`;
    const caret = head.length + tag.name.length + 2;
    input.setSelectionRange(caret, caret);
    close();
    announce("");
  };

  const show = (results) => {
    items = results;
    active = -1;
    input.removeAttribute("aria-activedescendant");
    list.replaceChildren(...results.map((tag, i) => {
      const option = document.createElement("li");
      option.id = `${listId}-${i}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      const name = document.createElement("span");
      name.className = "mention-username";
      name.textContent = tag.name;
      const count = document.createElement("span");
      count.className = "mention-name";
      count.textContent = tag.question_count === 1
        ? words.oneQuestion : words.questions.replace("{n}", String(tag.question_count));
      option.append(name, " ", count);
      return option;
    }));
    list.hidden = results.length === 0;
    input.setAttribute("aria-expanded", String(results.length > 0));
    if (results.length === 0) announce(words.none);
    else if (results.length === 1) announce(words.one);
    else announce(words.many.replace("{n}", String(results.length)));
  };

  const lookup = async (term) => {
    if (cache.has(term)) {
      show(cache.get(term));
      return;
    }
    controller?.abort();
    controller = new AbortController();
    const query = new URLSearchParams({ prefisso: term, ordina: "domande", limit: String(LIMIT) });
    try {
      const response = await fetch(`${words.url}?${query}`, {
        headers: { Accept: "application/json" }, credentials: "same-origin",
        signal: controller.signal,
      });
      if (!response.ok) {
        close(); // too many requests or unavailable: the plain field still works
        return;
      }
      const page = await response.json();
      const results = Array.isArray(page.items) ? page.items : [];
      cache.set(term, results);
      if (currentToken(input).term === term) show(results);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  };

  input.addEventListener("input", () => {
    const { term } = currentToken(input);
    clearTimeout(timer);
    if (!term || term.length > 30) {
      close();
      return;
    }
    timer = setTimeout(() => lookup(term), DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.isComposing) return;
    if (list.hidden || !items.length) {
      if (event.key === "ArrowDown" && currentToken(input).term) lookup(currentToken(input).term);
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      const start = active < 0 && step < 0 ? items.length : active;
      highlight((start + step + items.length) % items.length);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault(); // adds the tag instead of sending the form
      choose(active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "Tab") {
      close();
    }
  });
  input.addEventListener("blur", close);
  list.addEventListener("mousedown", (event) => event.preventDefault());
  list.addEventListener("click", (event) => {
    const option = event.target.closest("[role=option]");
    if (option) choose([...list.children].indexOf(option));
  });
}

export function initTagSuggestions(root = document) {
  const config = document.getElementById("tag-suggestion-config");
  const status = document.getElementById("tag-suggestion-status");
  if (!config || !status) return;
  root.querySelectorAll("input[data-tag-suggestions]").forEach((input, index) => {
    enhance(input, config, status, index);
  });
}
