"""Routing of unanswered questions: offered to members with expertise in the theme, a
reminder to the asker to accept an answer, the moderators' list of unsolved questions."""
