#!/bin/sh
# Officina's scheduled work: every command below runs once per due item even when this
# script starts on every node at the same moment (claims in the database), so cron may
# call it everywhere. `--loop SECONDS` repeats it (the Procfile's scheduler); without it,
# one pass. Digests go out on the first pass after midnight (Rome time): with cron, run
# `digests send` at the hour members should get them instead (README, "Produzione").
# `jobs worker --burst` hands over jobs a crashed server committed but never queued.
set -u
FLASK="${FLASK:-.venv/bin/flask --app forum:create_app}"

run_all() {
    for command in "events remind" "routing run" "events feedback" "guidelines remind" \
                   "announcements notify" "digests send --period daily" \
                   "digests send --period weekly" "privacy purge" "jobs prune" \
                   "jobs worker --burst"; do
        # shellcheck disable=SC2086 # FLASK and command are word lists on purpose
        $FLASK $command || echo "scheduled.sh: '$command' non riuscito" >&2
    done
}

if [ "${1:-}" = "--loop" ]; then
    interval="${2:-300}"
    while :; do
        run_all
        sleep "$interval"
    done
fi
run_all
