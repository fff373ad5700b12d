# Case preparation shared by both tiers (sourced; needs lib/common.sh and lib/results.sh):
# test copies of the fixtures with fresh WireGuard keys, every backend rendered for both
# sides with the real `peergen render`, and netplan's networkd output generated on the host.
# Layout: $OUT_DIR/cases/FIXTURE/{peer.toml,case.env,BACKEND/{local,remote}/...}

BACKENDS=(ip wg-quick networkd netplan bird frr)

has_bgp() { grep -q '^\[bgp\]' "$1"; } # PEER.toml

build_peergen() {
    # absolute: rendering runs from inside each case folder
    if [[ -n ${PEERGEN_BIN:-} ]]; then PEERGEN=$(realpath "$PEERGEN_BIN"); return; fi
    log "cargo build --release"
    (cd "$REPO_DIR" && cargo build --release --quiet) || die "cargo build --release failed"
    [[ -x $PEERGEN ]] || die "no $PEERGEN after the build"
}

expected_refusal() { # FIXTURE BACKEND
    awk -v f="$1" -v b="$2" '$1 == f && $2 == b {found = 1} END {exit !found}' \
        "$E2E_DIR/expected-refusals.txt"
}

# netplan generate for one rendered side: ROOT=DIR/root gets the YAML (mode 0600, as
# netplan 0.106 requires) and netplan writes networkd files to ROOT/run/systemd/network.
# HOST_DIR holds the host's own YAML where the end joins a bridge (the host defines the
# bridge and its addresses, peergen only the membership; prepare_cases.py): it goes next to
# peergen's, as on a real host, and netplan merges the two.
# Output goes to DIR/generate.log, the exit status to DIR/generate.rc.
netplan_generate_side() { # DIR [HOST_DIR]
    local dir=$1 host=${2:-} rc=0
    rm -rf "$dir/root"
    mkdir -p "$dir/root/etc/netplan"
    install -m 0600 "$dir"/netplan/*.yaml "$dir/root/etc/netplan/"
    if [[ -n $host && -d $host/netplan ]]; then install -m 0600 "$host"/netplan/*.yaml "$dir/root/etc/netplan/"; fi
    /usr/libexec/netplan/generate --root-dir "$dir/root" >"$dir/generate.log" 2>&1 || rc=$?
    echo "$rc" >"$dir/generate.rc"
}

prepare_cases() {
    local cases=$OUT_DIR/cases fixture name kind backend side dir rc
    rm -rf "$cases" /run/peergen-e2e
    mkdir -p "$cases" "$KEY_DIR"
    chmod 0755 /run/peergen-e2e "$KEY_DIR"
    python3 "$E2E_DIR/lib/prepare_cases.py" "${E2E_FIXTURES_DIR:-$REPO_DIR/fixtures/valid}" "$cases" "$KEY_DIR" ||
        die "preparing cases failed"
    for fixture in "$cases"/*/; do
        fixture=${fixture%/}
        name=$(basename "$fixture")
        kind=$(. "$fixture/case.env" && echo "$KIND")
        for backend in "${BACKENDS[@]}"; do
            [[ $backend == wg-quick && $kind != wireguard ]] && continue
            # bird and frr render the [bgp] session; peers without one have nothing for them
            [[ $backend == bird || $backend == frr ]] && ! has_bgp "$fixture/peer.toml" && continue
            for side in local remote; do
                dir=$fixture/$backend/$side
                mkdir -p "$dir"
                rc=0
                (cd "$fixture" && "$PEERGEN" render --backend "$backend" --side "$side" \
                    --out "$backend/$side" peer.toml) >"$fixture/$backend.$side.render.log" 2>&1 || rc=$?
                if ((rc != 0)); then
                    rm -rf "${fixture:?}/$backend"
                    if expected_refusal "$name" "$backend" && grep -q 'cannot render this peer' "$fixture/$backend.$side.render.log"; then
                        result NA 0 "$kind" "$backend" render "$name" "$(grep -m1 'cannot render' "$fixture/$backend.$side.render.log" | sed 's/.*cannot render this peer: //')"
                    else
                        result FAIL 0 "$kind" "$backend" "render-$side" "$name" "exit $rc: $(head -n 3 "$fixture/$backend.$side.render.log")"
                    fi
                    break
                fi
                [[ $backend == netplan ]] && netplan_generate_side "$dir" "$fixture/host/$side"
            done
        done
        if has_bgp "$fixture/peer.toml"; then
            python3 "$E2E_DIR/lib/prepare_bgp.py" "$fixture/peer.toml" "$fixture/bgp" ||
                result FAIL 0 "$kind" bird frame "$name" "prepare_bgp.py failed"
        fi
    done
}

# Negative twins that peergen renders itself (e2e/negative/*.toml, ip backend, both sides,
# and bird/frr for peers with [bgp]): peer files that are valid but must fail a tier-2 check,
# e.g. `ttl = "inherit"`, which must lose the TTL-1 ping across the router. NAME.remote.toml,
# when present, renders the remote side instead (two sides that disagree: a password, an
# announce list). Layout: $OUT_DIR/negative-cases/NAME/{ip,bird,frr}/{local,remote}, bgp/
prepare_negative_renders() {
    local cases=$OUT_DIR/negative-cases peer name side rc backend src
    rm -rf "$cases"
    for peer in "$E2E_DIR"/negative/*.toml; do
        [[ -f $peer && $peer != *.remote.toml ]] || continue
        name=$(basename "$peer" .toml)
        mkdir -p "$cases/$name"
        cp "$peer" "$cases/$name/peer.toml"
        [[ -f ${peer%.toml}.remote.toml ]] && cp "${peer%.toml}.remote.toml" "$cases/$name/peer.remote.toml"
        for backend in ip bird frr; do
            [[ $backend == ip ]] || has_bgp "$peer" || continue
            for side in local remote; do
                src=peer.toml
                [[ $side == remote && -f $cases/$name/peer.remote.toml ]] && src=peer.remote.toml
                rc=0
                (cd "$cases/$name" && "$PEERGEN" render --backend "$backend" --side "$side" --out "$backend/$side" "$src") \
                    >"$cases/$name/$backend.$side.render.log" 2>&1 || rc=$?
                if ((rc != 0)); then
                    result FAIL 0 negative "$backend" "render-$side" "$name" "exit $rc: $(head -n 3 "$cases/$name/$backend.$side.render.log")"
                fi
            done
        done
        if has_bgp "$peer"; then
            local remote_peer=()
            [[ -f $cases/$name/peer.remote.toml ]] && remote_peer=("$cases/$name/peer.remote.toml")
            python3 "$E2E_DIR/lib/prepare_bgp.py" "$cases/$name/peer.toml" "$cases/$name/bgp" "${remote_peer[@]}" ||
                result FAIL 0 negative bird frame "$name" "prepare_bgp.py failed"
        fi
    done
}
