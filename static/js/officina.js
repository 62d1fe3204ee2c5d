// Progressive enhancements; every page works without them.
import { initMarkdownToolbars } from "./markdown-toolbar.js";
import { initDrafts } from "./drafts.js";
import { initFileLimits } from "./file-limits.js";
import { initMentions } from "./mentions.js";
import { initFiltersPanel } from "./filters-panel.js";
import { initPracticePicker } from "./practice-picker.js";
import { initPreviews } from "./preview.js";
import { initSimilar } from "./similar.js";
import { initTagSuggestions } from "./tag-suggestions.js";
import { initVotes } from "./vote.js";

initVotes();
initPreviews();
initPracticePicker();
initFiltersPanel();
initSimilar();
initMentions();
initMarkdownToolbars();
initTagSuggestions();
initDrafts();
initFileLimits();

// A refused form's message (e.g. the privacy guard's) takes the focus, so it is read first.
document.querySelector("[data-focus-on-load]")?.focus();
