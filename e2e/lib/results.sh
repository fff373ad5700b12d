# Result collection and the summary table (sourced; needs lib/common.sh).
# Every check appends one line to $RESULTS_TXT:  STATUS TIER KIND BACKEND CHECK FIXTURE [MESSAGE]
# STATUS is PASS, FAIL or NA (peergen refuses the pair by design, see expected-refusals.txt).

RESULTS_TXT=$OUT_DIR/results.txt

result() { # STATUS TIER KIND BACKEND CHECK FIXTURE [MESSAGE...]
    local msg=""
    (($# > 6)) && msg=" $(printf '%s' "${*:7}" | tr '\n\t' '  ' | tr -s ' ' | cut -c1-500)"
    echo "$1 tier$2 $3 $4 $5 $6$msg" >>"$RESULTS_TXT"
    # One console line per check: STATUS kind backend check fixture [message].
    echo "$1 $3 $4 $5 $6$msg"
}

# One row per fixture, one column per backend: "ok 12/12", "FAIL 11/12", "n/a" or "-".
write_matrix() {
    awk '
        $2 == "tier0" || $2 == "tier1" || $2 == "tier2" {
            if ($3 == "negative" || $3 == "capture") next
            key = $6 SUBSEP $4; fixtures[$6] = 1
            if ($1 == "NA") na[key] = 1
            else { total[key]++; if ($1 == "PASS") pass[key]++ }
        }
        END {
            n = split("ip wg-quick networkd netplan bird frr", b, " ")
            print "| fixture | ip | wg-quick | networkd | netplan | bird | frr |"
            print "|---|---|---|---|---|---|---|"
            m = 0; for (f in fixtures) list[++m] = f
            for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (list[j] < list[i]) { t = list[i]; list[i] = list[j]; list[j] = t }
            for (i = 1; i <= m; i++) {
                f = list[i]; row = "| " f " |"
                for (j = 1; j <= n; j++) {
                    key = f SUBSEP b[j]
                    if (key in na) cell = "n/a"
                    else if (!(key in total)) cell = "-"
                    else cell = (pass[key] == total[key] ? "ok " : "**FAIL** ") pass[key] + 0 "/" total[key]
                    row = row " " cell " |"
                }
                print row
            }
        }' "$RESULTS_TXT"
}

# The BGP pairs: one row per fixture with [bgp], one column per daemon pair (local-remote):
# "ok Ns" (both checks passed, Established after N seconds), "FAIL", "n/a" or "-".
write_bgp_matrix() {
    awk '
        $2 == "tier2" && $3 != "negative" && ($5 == "bgp-up" || $5 == "bgp-routes") {
            key = $6 " (" $3 ")" SUBSEP $4; rows[$6 " (" $3 ")"] = 1
            if ($1 == "NA") na[key] = 1
            else if ($1 != "PASS") bad[key] = 1
            if ($1 == "PASS" && $5 == "bgp-up") for (i = 7; i <= NF; i++) if ($i == "after") secs[key] = $(i + 1)
            seen[key] = 1
        }
        END {
            n = split("bird-bird frr-frr bird-frr", p, " ")
            print "| fixture (kind) | bird-bird | frr-frr | bird-frr |"
            print "|---|---|---|---|"
            m = 0; for (f in rows) list[++m] = f
            for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (list[j] < list[i]) { t = list[i]; list[i] = list[j]; list[j] = t }
            for (i = 1; i <= m; i++) {
                row = "| " list[i] " |"
                for (j = 1; j <= n; j++) {
                    key = list[i] SUBSEP p[j]
                    if (key in na) cell = "n/a"
                    else if (!(key in seen)) cell = "-"
                    else if (key in bad) cell = "**FAIL**"
                    else cell = "ok " secs[key]
                    row = row " " cell " |"
                }
                print row
            }
        }' "$RESULTS_TXT"
}

# `peergen status` on both ends of every case: one row per fixture, one column per
# backend: "ok" (both ends matched), "**FAIL** local/remote" (the end that did not), "-".
write_status_matrix() {
    awk '
        $2 == "tier2" && $3 != "negative" && ($5 == "status-local" || $5 == "status-remote") {
            key = $6 " (" $3 ")" SUBSEP $4; rows[$6 " (" $3 ")"] = 1; seen[key] = 1
            if ($1 != "PASS") bad[key] = bad[key] " " substr($5, 8)
        }
        END {
            n = split("ip wg-quick networkd netplan", b, " ")
            print "| fixture (kind) | ip | wg-quick | networkd | netplan |"
            print "|---|---|---|---|---|"
            m = 0; for (f in rows) list[++m] = f
            for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (list[j] < list[i]) { t = list[i]; list[i] = list[j]; list[j] = t }
            for (i = 1; i <= m; i++) {
                row = "| " list[i] " |"
                for (j = 1; j <= n; j++) {
                    key = list[i] SUBSEP b[j]
                    if (!(key in seen)) cell = "-"
                    else if (key in bad) cell = "**FAIL**" bad[key]
                    else cell = "ok"
                    row = row " " cell " |"
                }
                print row
            }
        }' "$RESULTS_TXT"
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
        echo "peergen $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u '+%Y-%m-%d %H:%M UTC'), kernel in VM: $(cat "$OUT_DIR/tier2/kernel-version" 2>/dev/null || echo 'not booted')"
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
        echo "## Fixture × backend (checks passed / run, both tiers; n/a = refused by design)"
        echo
        write_matrix
        echo
        echo "## BGP: fixture × daemon pair (tier 2; local-remote, Established after N seconds)"
        echo
        write_bgp_matrix
        echo
        echo "## peergen status: fixture × backend (tier 2; both ends report every check matching)"
        echo
        write_status_matrix
        echo
        echo "## Every check"
        echo
        echo "| result | tier | kind | backend | check | fixture | message |"
        echo "|---|---|---|---|---|---|---|"
        # failures first: they are what a reader came for
        { grep '^FAIL ' "$RESULTS_TXT" || true; grep -v '^FAIL ' "$RESULTS_TXT" || true; } | while read -r st tier kind backend check fixture msg; do
            msg=${msg//|/\\|}
            echo "| $st | ${tier#tier} | $kind | $backend | $check | $fixture | $msg |"
        done
    } >"$md"
    log "summary: $pass passed, $fail failed, $na n/a -> $md"
    ((fail == 0))
}
