"""Private conversations between members (/messaggi): 1:1 and small groups, blocks between
members, reports of messages that only then reach the moderators."""
