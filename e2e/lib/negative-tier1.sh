# Tier-1 negative twins (sourced): hand-written broken files in e2e/negative/ that the
# real tool must reject. They prove each tier-1 check can fail; a check that never fails
# proves nothing. Reported as "PASS negative ..." when the tool rejects the file.

neg1() { # PASS|FAIL BACKEND TWIN [MESSAGE]
    result "$1" 1 negative "$2" "$3" - "${@:4}"
}

# netplan generate on one hand-written YAML installed with MODE; prints rc and output.
neg_netplan_generate() { # YAML MODE
    local root=$T1_WORK/neg-netplan-$(basename "$1" .yaml) rc=0 out
    rm -rf "$root"; mkdir -p "$root/etc/netplan"
    install -m "$2" "$1" "$root/etc/netplan/"
    out=$(/usr/libexec/netplan/generate --root-dir "$root" 2>&1) || rc=$?
    echo "$rc $out"
}

tier1_negative() {
    local neg=$E2E_DIR/negative out rc pid

    out=$(neg_netplan_generate "$neg/netplan-ip6gre-ipv4.yaml" 0600); rc=${out%% *}; out=${out#* }
    if [[ $rc != 0 && $out == *"must be a valid IPv6 address"* ]]; then
        neg1 PASS netplan ip6gre-ipv4-endpoints "$out"
    else
        neg1 FAIL netplan ip6gre-ipv4-endpoints "expected an IPv6 error, got exit $rc: $out"
    fi

    out=$(neg_netplan_generate "$neg/netplan-too-open.yaml" 0644); rc=${out%% *}; out=${out#* }
    if grep -qiE 'warning|too open' <<<"$out"; then
        neg1 PASS netplan yaml-mode-0644 "$out"
    else
        neg1 FAIL netplan yaml-mode-0644 "no warning for a 0644 YAML (exit $rc): $out"
    fi

    # installed 0600 like a real wg-quick file, so only the endpoint is wrong
    install -m 0600 "$neg/neg-wg-v6.conf" "$T1_WORK/neg-wg-v6.conf"
    out=$(wgquick_check_one "$T1_WORK/neg-wg-v6.conf" x x "" "$T1_WORK/hosts" e2e-t1neg1)
    if [[ $out == *"wg setconf"* ]]; then
        neg1 PASS wg-quick ipv6-endpoint-without-port "$out"
    else
        neg1 FAIL wg-quick ipv6-endpoint-without-port "expected wg setconf to fail, got: ${out:-success}"
    fi

    local twin expect
    for twin in "networkd-unknown-key:Unknown key" "networkd-family-mismatch:"; do
        expect=${twin#*:}; twin=${twin%%:*}
        pid=$(networkd_parser_start "e2e-t1neg-$twin" "$neg/$twin" "$T1_WORK/neg-$twin.log")
        sleep 1.5
        kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
        ip netns del "e2e-t1neg-$twin" 2>/dev/null
        out=$(networkd_file_complaints "$T1_WORK/neg-$twin.log" "$neg/$twin")
        if [[ -n $out && $out == *"$expect"* ]]; then
            neg1 PASS networkd "$twin" "$out"
        else
            neg1 FAIL networkd "$twin" "networkd said nothing about the file: $(head -n 3 "$T1_WORK/neg-$twin.log")"
        fi
    done
}
