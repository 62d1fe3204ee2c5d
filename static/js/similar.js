// While a question is typed: similar discussions and related practices (debounced).
const DELAY_MS = 600;

function fill(list, results) {
  list.replaceChildren(
    ...results.map((item) => {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = item.url;
      a.textContent = item.title;
      li.append(a);
      return li;
    }),
  );
}

export function initSimilar(root = document) {
  const panel = root.querySelector("[data-similar]");
  if (!panel) return;
  const form = panel.closest("form");
  const title = form.querySelector("[name=title]");
  const body = form.querySelector("[name=body]");
  const questions = panel.querySelector("[data-similar-questions]");
  const practices = panel.querySelector("[data-similar-practices]");
  panel.querySelector("[data-similar-button]")?.setAttribute("hidden", "");
  let timer = null;
  let last = "";
  const refresh = async () => {
    const text = `${title.value}\n${body.value}`.trim();
    if (text.length < 12 || text === last) return;
    last = text;
    const query = `?text=${encodeURIComponent(text.slice(0, 2000))}`;
    try {
      const [q, p] = await Promise.all([
        fetch(panel.dataset.questionsUrl + query, { headers: { Accept: "application/json" } }),
        fetch(panel.dataset.practicesUrl + query, { headers: { Accept: "application/json" } }),
      ]);
      if (q.ok) fill(questions, (await q.json()).results);
      if (p.ok) fill(practices, (await p.json()).results);
    } catch {
      // suggestions are optional; the button-less form still works
    }
  };
  for (const field of [title, body]) {
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, DELAY_MS);
    });
  }
}
