// List filters (practices, events): the "Filtri" disclosure is open at desktop widths (beside the
// results) and closed on phones (the results come first); the user's own toggle wins.
const WIDE = "(min-width: 992px)";

export function initFiltersPanel(root = document) {
  const panel = root.querySelector("[data-filters-panel]");
  if (!panel) return;
  const wide = window.matchMedia(WIDE);
  const follow = () => {
    panel.open = wide.matches;
  };
  follow();
  wide.addEventListener("change", follow);
}
