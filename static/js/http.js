// Same-origin POST with the CSRF token from the page, answering JSON.
const token = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";

export async function postForm(url, data) {
  const response = await fetch(url, {
    method: "POST",
    body: data,
    credentials: "same-origin",
    headers: { "X-CSRFToken": token(), Accept: "application/json" },
  });
  let payload = {};
  try {
    payload = await response.json();
  } catch {
    payload = {};
  }
  return { ok: response.ok, status: response.status, payload };
}
