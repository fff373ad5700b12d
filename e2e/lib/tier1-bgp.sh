# Tier 1 for the BGP backends (sourced; needs common.sh, results.sh and tier1.sh's T1_WORK):
#   bird  every rendered per-peer file, included from its side's frame (lib/prepare_bgp.py:
#         router id, protocol device, the announced routes, named filters), passes
#         `bird -p -c FRAME`: exit 0 and nothing printed
#   frr   every rendered per-peer file passes FRR's dry run by itself, and so does the
#         assembled config (frame + file) bgpd is started with in tier 2:
#         `vtysh --config_dir DIR --dryrun --inputfile FILE` exits 0 AND prints no
#         "% Unknown command", "processing failure" or other "% " complaint (FRR fails
#         open: it drops lines it cannot parse, BGP.md)
# Negative twins (e2e/negative/bird-*.conf, frr-*.conf) must fail the same checks.

# bird -p on FRAME with the peer files of DIR; prints the failure (empty = pass).
bird_parse() { # FRAME PEERS_DIR WORK
    local frame=$1 peers=$2 work=$3 out
    rm -rf "$work"; mkdir -p "$work/peers"
    cp "$frame" "$work/bird.conf"
    find "$peers" -path '*peers/*.conf' -exec cp {} "$work/peers/" \;
    out=$(bird -p -c "$work/bird.conf" 2>&1) || { echo "bird -p: ${out:-exit $?}"; return; }
    [[ -z $out ]] || echo "bird -p printed: $out"
}

# FRR's dry run on FILE; prints the failure (empty = pass).
frr_dryrun() { # FILE
    local out rc=0 dir=$T1_WORK/vtysh-config
    mkdir -p "$dir"; : >"$dir/vtysh.conf"
    out=$(timeout 30 vtysh --config_dir "$dir" --dryrun --inputfile "$1" 2>&1) || rc=$?
    if ((rc != 0)); then
        echo "exit $rc: $out"
    elif grep -qE '% |processing failure' <<<"$out"; then
        echo "exit 0 but: $(grep -E '% |processing failure' <<<"$out" | head -n 3)"
    fi
}

tier1_bgp() {
    local dir fixture kind side msg f
    for dir in "$OUT_DIR"/cases/*/bird/*/; do
        dir=${dir%/}; side=$(basename "$dir"); fixture=$(basename "$(dirname "$(dirname "$dir")")")
        kind=$(. "$OUT_DIR/cases/$fixture/case.env" && echo "$KIND")
        msg=$(bird_parse "$OUT_DIR/cases/$fixture/bgp/$side/bird.conf" "$dir" "$T1_WORK/bird/$fixture-$side")
        result "$([[ -z $msg ]] && echo PASS || echo FAIL)" 1 "$kind" bird "parse-$side" "$fixture" $msg
    done
    for dir in "$OUT_DIR"/cases/*/frr/*/; do
        dir=${dir%/}; side=$(basename "$dir"); fixture=$(basename "$(dirname "$(dirname "$dir")")")
        kind=$(. "$OUT_DIR/cases/$fixture/case.env" && echo "$KIND")
        msg=""
        for f in $(find "$dir" -path '*peers/*.conf'); do
            msg+=$(frr_dryrun "$f")
            cat "$OUT_DIR/cases/$fixture/bgp/$side/frr-head.conf" "$f" >"$T1_WORK/frr-$fixture-$side.conf"
            [[ -n $msg ]] || msg=$(frr_dryrun "$T1_WORK/frr-$fixture-$side.conf" | sed 's/^/with the frame: /')
        done
        [[ -n $f ]] || msg="no peers/*.conf rendered"
        result "$([[ -z $msg ]] && echo PASS || echo FAIL)" 1 "$kind" frr "dryrun-$side" "$fixture" $msg
    done
}

tier1_bgp_negative() {
    local neg=$E2E_DIR/negative twin expect msg
    mkdir -p "$T1_WORK/neg-bird"
    printf 'router id 192.0.2.201;\nprotocol device {}\ninclude "peers/*.conf";\n' >"$T1_WORK/neg-bird/frame.conf"
    for twin in "bird-no-import-policy:EBGP requires explicit import policy" \
        "bird-link-local-no-interface:Link-local addresses require defined interface"; do
        expect=${twin#*:}; twin=${twin%%:*}
        mkdir -p "$T1_WORK/neg-bird/$twin/peers"; cp "$neg/$twin.conf" "$T1_WORK/neg-bird/$twin/peers/"
        msg=$(bird_parse "$T1_WORK/neg-bird/frame.conf" "$T1_WORK/neg-bird/$twin" "$T1_WORK/neg-bird/$twin.work")
        if [[ $msg == *"$expect"* ]]; then
            neg1 PASS bird "$twin" "$msg"
        else
            neg1 FAIL bird "$twin" "expected '$expect', got: ${msg:-accepted}"
        fi
    done
    msg=$(frr_dryrun "$neg/frr-unknown-line.conf")
    if [[ $msg == *"% Unknown command"* ]]; then
        neg1 PASS frr unknown-line "$msg"
    else
        neg1 FAIL frr unknown-line "expected '% Unknown command', got: ${msg:-accepted}"
    fi
}
