// Voting without a reload: the same form posts with fetch, the server answers JSON.
import { postForm } from "./http.js";

const NEXT = { su: { 1: "annulla", 0: "su", "-1": "su" }, giu: { "-1": "annulla", 0: "giu", 1: "giu" } };

function render(form, value, score) {
  form.querySelector(".vote-score").textContent = String(score);
  for (const button of form.querySelectorAll("button[data-dir]")) {
    const dir = button.dataset.dir;
    const mine = (dir === "su" && value === 1) || (dir === "giu" && value === -1);
    button.classList.toggle("voted", mine);
    button.setAttribute("aria-pressed", mine ? "true" : "false");
    button.value = NEXT[dir][String(value)];
  }
}

function announce(form, message) {
  let note = form.querySelector(".vote-error");
  if (!note) {
    note = document.createElement("p");
    note.className = "vote-error small text-danger mt-1";
    note.setAttribute("role", "alert");
    form.append(note);
  }
  note.textContent = message;
}

export function initVotes(root = document) {
  for (const form of root.querySelectorAll("form[data-vote-form]")) {
    form.addEventListener("submit", async (event) => {
      const button = event.submitter;
      if (!button) return;
      event.preventDefault();
      const data = new FormData(form);
      data.set("voto", button.value);
      button.disabled = true;
      try {
        const { ok, payload } = await postForm(form.action, data);
        if (ok) {
          render(form, payload.value, payload.score);
          form.querySelector(".vote-error")?.remove();
        } else {
          announce(form, payload.error || "Errore");
        }
      } catch {
        form.submit();
      } finally {
        button.disabled = false;
      }
    });
  }
}
