// Unsent text of the ask and answer forms (form[data-draft]): a copy in this browser
// (localStorage) on every keystroke and, for signed-in members, on the server a moment
// after typing stops, so it follows them to another device. On return, a form left empty
// offers the newer copy back: "Ripristina" fills the form, "Scarta" drops both copies.
import { postForm } from "./http.js";

const FIELDS = ["title", "body", "tags"];
const SAVE_DELAY_MS = 1500;

const fieldsOf = (form) => FIELDS.filter((name) => form.elements[name]);
const valuesOf = (form) =>
  Object.fromEntries(fieldsOf(form).map((name) => [name, form.elements[name].value]));
const isEmpty = (values) => Object.values(values).every((value) => !String(value ?? "").trim());

function readLocal(key) {
  try {
    return JSON.parse(localStorage.getItem(key) ?? "null");
  } catch {
    return null;
  }
}

function writeLocal(key, values) {
  try {
    if (isEmpty(values)) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify({ ...values, updated_at: new Date().toISOString() }));
  } catch {
    // storage full or disabled: the server copy still works
  }
}

async function readServer(url) {
  try {
    const response = await fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    return response.ok ? (await response.json()).draft : null;
  } catch {
    return null;
  }
}

const time = (draft) => Date.parse(draft?.updated_at ?? "") || 0;

function asFormData(values) {
  const data = new FormData();
  for (const [name, value] of Object.entries(values)) data.append(name, value);
  return data;
}

function discardUrl(url) {
  const address = new URL(url, location.href);
  address.pathname += "/scarta";
  return address.toString();
}

async function setUp(form) {
  const url = form.dataset.draftUrl;
  const key = `officina:bozza:${url}`;
  const offer = form.parentElement.querySelector("[data-draft-offer]");
  let timer = null;
  let offerOpen = false;

  const saveServer = () => {
    timer = null;
    postForm(url, asFormData(valuesOf(form))).catch(() => {});
  };
  form.addEventListener("input", () => {
    if (offerOpen) return; // the stored draft is kept until the member chooses
    writeLocal(key, valuesOf(form));
    clearTimeout(timer);
    timer = setTimeout(saveServer, SAVE_DELAY_MS);
  });
  form.addEventListener("submit", (event) => {
    queueMicrotask(() => {
      if (event.defaultPrevented) return; // another check kept the form here
      clearTimeout(timer);
      timer = null;
      localStorage.removeItem(key); // the server drops its copy when the post is published
    });
  });
  addEventListener("pagehide", () => {
    if (timer !== null) {
      clearTimeout(timer);
      saveServer();
    }
  });

  if (!offer || !isEmpty(valuesOf(form))) return;
  const [local, server] = [readLocal(key), await readServer(url)];
  const draft = time(server) >= time(local) ? server ?? local : local;
  if (!draft || isEmpty(Object.fromEntries(fieldsOf(form).map((n) => [n, draft[n]])))) return;
  if (!isEmpty(valuesOf(form))) return; // the member started typing meanwhile
  const when = offer.querySelector("[data-draft-when]");
  when.textContent = new Date(time(draft)).toLocaleString(document.documentElement.lang || "it", {
    dateStyle: "long",
    timeStyle: "short",
  });
  offer.hidden = false;
  offerOpen = true;
  const close = () => {
    offer.hidden = true;
    offerOpen = false;
  };
  offer.querySelector("[data-draft-restore]").addEventListener("click", () => {
    for (const name of fieldsOf(form)) {
      form.elements[name].value = draft[name] ?? "";
      form.elements[name].dispatchEvent(new Event("input", { bubbles: true }));
    }
    close();
    form.elements.body?.focus();
  });
  offer.querySelector("[data-draft-discard]").addEventListener("click", () => {
    localStorage.removeItem(key);
    postForm(discardUrl(url), new FormData()).catch(() => {});
    close();
    form.elements.body?.focus();
  });
}

export function initDrafts() {
  for (const form of document.querySelectorAll("form[data-draft][data-draft-url]")) setUp(form);
}
