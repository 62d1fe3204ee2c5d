// Progressive enhancements; every page works without them.
import { initPreviews } from "./preview.js";
import { initVotes } from "./vote.js";

initVotes();
initPreviews();
