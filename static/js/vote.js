// Voting without a reload: the same form posts with fetch, the server answers JSON.
// The focus stays on the button just pressed and a short status says what happened.
import { postForm } from "./http.js";

const NEXT = { su: { 1: "annulla", 0: "su", "-1": "su" }, giu: { "-1": "annulla", 0: "giu", 1: "giu" } };

function render(form, value, score) {
  form.querySelector(".vote-count").textContent = String(score);
  for (const button of form.querySelectorAll("button[data-dir]:not([aria-disabled])")) {
    const dir = button.dataset.dir;
    const mine = (dir === "su" && value === 1) || (dir === "giu" && value === -1);
    button.setAttribute("aria-pressed", mine ? "true" : "false");
    button.value = NEXT[dir][String(value)];
  }
}

function say(form, message, isError) {
  const status = form.querySelector(".vote-status");
  if (!status) return;
  status.textContent = message;
  status.classList.toggle("text-danger", isError);
  form.classList.remove("vote-flash");
  void form.offsetWidth; // restart the highlight
  form.classList.add("vote-flash");
}

function message(form, value) {
  const labels = form.closest("[data-vote-box]")?.dataset || {};
  if (value === 1) return labels.up || "Voto positivo registrato";
  if (value === -1) return labels.down || "Voto negativo registrato";
  return labels.none || "Voto annullato";
}

export function initVotes(root = document) {
  for (const locked of root.querySelectorAll("button.vote-locked")) {
    locked.addEventListener("click", () => {
      locked.closest(".vote-box")?.classList.add("show-hint");
    });
  }
  for (const form of root.querySelectorAll("form[data-vote-form]")) {
    form.addEventListener("submit", async (event) => {
      const button = event.submitter;
      if (!button) return;
      event.preventDefault();
      const data = new FormData(form);
      data.set("voto", button.value);
      button.setAttribute("aria-busy", "true");
      try {
        const { ok, payload } = await postForm(form.action, data);
        if (ok) {
          render(form, payload.value, payload.score);
          say(form, message(form, payload.value), false);
        } else {
          say(form, payload.error || "Errore", true);
        }
      } catch {
        form.submit();
      } finally {
        button.removeAttribute("aria-busy");
        button.focus();
      }
    });
  }
}
