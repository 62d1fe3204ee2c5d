// File inputs of the question and answer forms (input[data-max-files]): say at once when
// the chosen files break a limit, and keep the form from being sent, since a request over
// the size limit is refused before the server can give the text back. The server checks
// everything again; this only spares a round trip and the lost text.
export function initFileLimits() {
  for (const input of document.querySelectorAll('input[type="file"][data-max-files]')) {
    const message = document.getElementById(input.dataset.limitMessage);
    const check = () => {
      const files = [...input.files];
      const total = files.reduce((sum, file) => sum + file.size, 0);
      let problem = "";
      if (files.length > Number(input.dataset.maxFiles)) problem = input.dataset.tooMany;
      else if (files.some((file) => file.size > Number(input.dataset.maxBytes))) {
        problem = input.dataset.tooBig;
      } else if (total > Number(input.dataset.maxTotal)) problem = input.dataset.tooMuch;
      input.setCustomValidity(problem);
      input.classList.toggle("is-invalid", Boolean(problem));
      if (message) {
        message.textContent = problem;
        message.hidden = !problem;
      }
      return !problem;
    };
    input.addEventListener("change", check);
    input.form?.addEventListener("submit", (event) => {
      if (!check()) {
        event.preventDefault();
        input.focus();
      }
    });
  }
}
