// Citation picker: suggests published practices while a title fragment is typed.
const DELAY_MS = 250;

export function initPracticePicker(root = document) {
  for (const input of root.querySelectorAll("input[data-practice-picker]")) {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) continue;
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const text = input.value.trim();
      if (text.length < 2 || text.includes("/")) return;
      timer = setTimeout(async () => {
        const url = `${input.dataset.practicePicker}?q=${encodeURIComponent(text)}`;
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const { results } = await response.json();
        list.replaceChildren(
          ...results.map((item) => {
            const option = document.createElement("option");
            option.value = item.url;
            option.label = item.title;
            return option;
          }),
        );
      }, DELAY_MS);
    });
  }
}
