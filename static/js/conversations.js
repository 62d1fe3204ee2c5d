// A conversation read in the browser is marked read (a POST: reading a page never writes);
// without JavaScript the "Segna come letti" button does the same.
import { postForm } from "./http.js";

export async function markRead(root = document) {
  const form = root.querySelector("form[data-auto-read]");
  if (!form) return;
  const { ok, payload } = await postForm(form.action, new FormData(form));
  if (!ok) return;
  form.hidden = true;
  const badge = document.querySelector("[data-unread-messages]");
  if (badge && payload.unread === 0) badge.remove();
  else if (badge && typeof payload.unread === "number") badge.firstChild.textContent = String(payload.unread);
}

markRead();
