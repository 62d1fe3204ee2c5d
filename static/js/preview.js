// Live Markdown preview: the server renders and sanitises exactly as on publish.
import { postForm } from "./http.js";

const DELAY_MS = 400;

export function initPreviews(root = document) {
  for (const section of root.querySelectorAll("[data-preview-for]")) {
    const textarea = document.getElementById(section.dataset.previewFor);
    const target = section.querySelector(".preview-body");
    const url = document.body.dataset.previewUrl;
    if (!textarea || !target || !url) continue;
    let timer = null;
    let last = null;
    const refresh = async () => {
      const text = textarea.value;
      if (text === last) return;
      last = text;
      if (!text.trim()) {
        section.hidden = true;
        return;
      }
      const data = new FormData();
      data.set("testo", text);
      const { ok, payload } = await postForm(url, data);
      if (ok && typeof payload.html === "string") {
        target.innerHTML = payload.html; // sanitised by the server (forum/markup.py)
        section.hidden = false;
      } else if (typeof payload.error === "string") {
        // too complex, too long or too many previews: say why, as plain text
        const note = document.createElement("p");
        note.className = "text-danger mb-0";
        note.textContent = payload.error;
        target.replaceChildren(note);
        section.hidden = false;
      }
    };
    textarea.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, DELAY_MS);
    });
    if (textarea.value.trim()) refresh();
  }
}
