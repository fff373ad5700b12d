# Result collection and the summary table (sourced; needs lib/common.sh).
# Every check appends one line to $RESULTS_TXT:  STATUS TIER KIND BACKEND CHECK FIXTURE [MESSAGE]
# STATUS is PASS, FAIL or NA (peergen refuses the pair by design, see expected-refusals.txt).

RESULTS_TXT=$OUT_DIR/results.txt

result() { # STATUS TIER KIND BACKEND CHECK FIXTURE [MESSAGE...]
    local msg=""
    (($# > 6)) && msg=" $(printf '%s' "${*:7}" | tr '\n\t' '  ' | tr -s ' ' | cut -c1-500)"
    echo "$1 tier$2 $3 $4 $5 $6$msg" >>"$RESULTS_TXT"
    # The console line has the shape the issue asks for: STATUS kind backend family fixture.
    echo "$1 $3 $4 $5 $6$msg"
}

# results.md: counts per tier, then every line; returns non-zero if anything failed.
write_summary() { # ELAPSED_TIER1 ELAPSED_TIER2
    local md=$OUT_DIR/results.md pass fail na
    pass=$(grep -c '^PASS ' "$RESULTS_TXT" || true)
    fail=$(grep -c '^FAIL ' "$RESULTS_TXT" || true)
    na=$(grep -c '^NA ' "$RESULTS_TXT" || true)
    {
        echo "# peergen end-to-end results"
        echo
        echo "peergen $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u '+%Y-%m-%d %H:%M UTC'), kernel in VM: ${KERNEL_VERSION:-n/a}"
        echo
        echo "| tier | pass | fail | n/a | wall time |"
        echo "|---|---|---|---|---|"
        for t in 0 1 2; do
            local label=$t time=""
            [[ $t == 0 ]] && label="render"
            [[ $t == 1 ]] && time=${1:-}
            [[ $t == 2 ]] && time=${2:-}
            echo "| $label | $(grep -c "^PASS tier$t " "$RESULTS_TXT") | $(grep -c "^FAIL tier$t " "$RESULTS_TXT") | $(grep -c "^NA tier$t " "$RESULTS_TXT") | $time |"
        done
        echo "| **all** | **$pass** | **$fail** | **$na** | |"
        echo
        echo "| result | tier | kind | backend | check | fixture | message |"
        echo "|---|---|---|---|---|---|---|"
        # failures first: they are what a reader came for
        { grep '^FAIL ' "$RESULTS_TXT"; grep -v '^FAIL ' "$RESULTS_TXT"; } | while read -r st tier kind backend check fixture msg; do
            msg=${msg//|/\\|}
            echo "| $st | ${tier#tier} | $kind | $backend | $check | $fixture | $msg |"
        done
    } >"$md"
    log "summary: $pass passed, $fail failed, $na n/a -> $md"
    ((fail == 0))
}
