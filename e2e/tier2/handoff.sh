# Tier-2 handoff cases, sourced by guest.sh after bgp.sh (uses its underlay_up/down,
# apply_side, settle, result, family_of, WORK and PING_DEADLINE, and bgp.sh's daemon
# helpers). For each case with a handoff (lib/prepare_handoff.sh), the remote end is set up
# by an operator who received nothing but the handoff folder, following its README.md to
# the letter:
#   - their WireGuard key at the path the README names (we stand in the key they generated:
#     the pre-generated test key whose public key our peer file holds as [remote] public-key)
#   - the tunnel with the commands of the README's `### ip:` install section, run from the
#     folder, and for WireGuard again on a fresh underlay with its `### wg-quick:` section
#     (`systemctl enable --now wg-quick@NAME` run as `wg-quick up NAME`: no systemd here);
#     networkd and netplan need a daemon in the namespace, and the plain cases prove their
#     files, which are the same bytes (lib/prepare_handoff.sh)
#   - over the ip tunnel, per daemon pair: the README's `### bird:` / `### frr:` install
#     commands (/etc/bird, /etc/frr moved under the daemon's run folder, as every tier-2
#     daemon lives there), the password sent separately added where the README says
#     (BIRD: `password "…";` in the protocol, FRR: `neighbor ADDRESS password …`), the
#     file made 0640, and the daemon started in the frame docs/backends/{bird,frr}.md give
#     (lib/prepare_bgp.py)
# Our end is the case's usual `render --side local` files (ip scripts, daemon files).
# Checks, as `handoff-key`, `handoff-ip`, `handoff-wg-quick` or `handoff-PAIR` (daemons,
# local-remote):
#   key       the key at the README's path has the public key the README says we configured
#   up        both ends' tunnels up with their addresses (the message: how long)
#   ipv4|ipv6|ipv6-ll|ttl1-*   each `ping` of the README's Verify section, from their end;
#             every tunnel address of ours must have a plain ping there
#   wg-show   `wg show NAME` (Verify) reports a handshake (WireGuard)
#   status    `peergen status --side local NAME.toml` (Verify) from the folder exits 0
#   bgp-up, bgp-routes   as in bgp.sh, with their daemon running the handoff's file

HANDOFF_PAIRS=(bird-bird frr-frr) # local-remote: their BIRD file, their FRR file
HANDOFF_PING_TIMEOUT=${HANDOFF_PING_TIMEOUT:-30} # seconds for one README ping (-c 3, no -w)

# The lines of the first ```sh block under the README heading that starts with HEADING,
# without comments and blank lines.
readme_block() { # README HEADING
    awk -v h="$2" '
        blk && /^```$/ { exit }
        blk { sub(/[ \t]*#.*$/, ""); if ($0 != "") print; next }
        /^#+ / { on = (index($0, h) == 1); next }
        on && /^```sh$/ { blk = 1 }' "$1"
}

# Add the password sent separately to every daemon file in DIR, where the README says, and
# make the files readable by the daemon only (Debian's `bird` group does not exist in the
# guest image, where BIRD runs as root: root:root there).
handoff_add_password() { # DAEMON DIR PASSWORD
    local f
    for f in "$2"/*.conf; do
        if [[ $1 == bird ]]; then
            awk -v pw="$3" '{print} /^  neighbor .* as [0-9]+;$/ {print "  password \"" pw "\";"}' "$f" >"$f.new"
        else
            awk -v pw="$3" '{print} $1 == "neighbor" && $3 == "remote-as" {print " neighbor " $2 " password " pw}' "$f" >"$f.new"
        fi
        mv "$f.new" "$f"
        chown "root:$1" "$f" 2>/dev/null || chown root:root "$f"
        chmod 0640 "$f"
    done
}

# Their daemon: the README's install commands into RUN/peers, the password, the frame.
# Prints what went wrong; status 1 then.
handoff_daemon_start() { # DAEMON NS RUN FOLDER CASE_DIR
    local daemon=$1 ns=$2 run=$3 folder=$4 case_dir=$5 cmds out BFD=0 extra=()
    rm -rf "$run"; mkdir -p "$run"
    cmds=$(readme_block "$folder/README.md" "### $daemon:" | sed "s#/etc/$daemon/#$run/#g")
    [[ $cmds == *install* ]] || { echo "the README has no install commands for $daemon"; return 1; }
    out=$(cd "$folder" && sh -ec "$cmds" 2>&1) || { echo "README's $daemon install: $out"; return 1; }
    ls "$run"/peers/*.conf >/dev/null 2>&1 || { echo "README's $daemon install put nothing into peers/: $cmds"; return 1; }
    [[ -f $folder/../sent-separately/password ]] &&
        handoff_add_password "$daemon" "$run/peers" "$(cat "$folder/../sent-separately/password")"
    source "$case_dir/bgp/remote/case.env"
    if [[ $daemon == bird ]]; then
        { echo "log \"$run/bird-events.log\" all;"; cat "$case_dir/bgp/remote/bird.conf"; } >"$run/bird.conf"
        bird_start "$ns" "$run" "$run/bird.conf" || { echo "bird: $(tail -n 3 "$run/bird.log")"; return 1; }
    else
        { echo "log file $run/frr.log informational"; cat "$case_dir/bgp/remote/frr-head.conf" "$run"/peers/*.conf; } >"$run/frr.conf"
        extra=(staticd)
        ((BFD)) && extra+=(bfdd)
        frr_start "$ns" "$run" "$run/frr.conf" "${extra[@]}" || return 1
    fi
}

# Stop a pair and wait until both daemons are gone (the next pair binds port 179 again),
# then drop what they installed in the kernel.
handoff_daemons_stop() { # LD LRUN RD RRUN NS_LOCAL NS_REMOTE
    local pids p t ns
    pids=$(cat "$2"/*.pid "$4"/*.pid 2>/dev/null)
    bgp_stop "$1" "$2"; bgp_stop "$3" "$4"
    for p in $pids; do
        for ((t = 0; t < 40; t++)); do [[ -d /proc/$p ]] || break; sleep 0.25; done
    done
    for ns in "$5" "$6"; do
        for p in bird bgp; do ip -n "$ns" -4 route flush proto "$p"; ip -n "$ns" -6 route flush proto "$p"; done 2>/dev/null
    done
}

# Until each side holds exactly what the other announces, in the daemon and in the kernel
# through the tunnel, at most BGP_ROUTES_TIMEOUT seconds; prints the seconds it took, or
# what is still wrong (status 1). Polled, not read once: under emulation BFD (gre-bgp-ipv4)
# may take a session down for a moment, and the routes come back with it.
handoff_wait_routes() { # LD LRUN RD RRUN NS_LOCAL NS_REMOTE CASE_DIR
    local t0=$SECONDS lmsg rmsg
    while :; do
        lmsg=$(bgp_routes_diff "$1" "$2" "$7/bgp/local/expect")$(bgp_kernel_diff "$5" "$IFNAME" "$7/bgp/local/expect")
        rmsg=$(bgp_routes_diff "$3" "$4" "$7/bgp/remote/expect")$(bgp_kernel_diff "$6" "$IFNAME" "$7/bgp/remote/expect")
        [[ -z $lmsg$rmsg ]] && { echo $((SECONDS - t0)); return 0; }
        ((SECONDS - t0 >= BGP_ROUTES_TIMEOUT)) && { echo "after ${BGP_ROUTES_TIMEOUT}s ${lmsg:+local: $lmsg}${rmsg:+ remote: $rmsg}"; return 1; }
        sleep 1
    done
}

# One daemon pair over the handoff's tunnel: bgp-up and bgp-routes.
handoff_bgp_pair() { # CASE_DIR PAIR N NS_LOCAL NS_REMOTE
    local case_dir=$1 pair=$2 N=$3 l=$4 r=$5 folder=$1/handoff/folder
    local ld=${pair%-*} rd=${pair#*-} lrun=$WORK/h$3.$2.local rrun=$WORK/h$3.$2.remote
    local why lc rc secs msg
    if why=$(bgp_expected_na "$FIXTURE" "$pair"); then
        result NA "$KIND" "handoff-$pair" bgp-up "$FIXTURE" "$why"; return
    fi
    if ! msg=$(handoff_daemon_start "$rd" "$r" "$rrun" "$folder" "$case_dir") ||
        ! msg=$(bgp_start "$ld" "$l" "$lrun" "$case_dir" local); then
        result FAIL "$KIND" "handoff-$pair" bgp-up "$FIXTURE" "$msg"
    else
        lc=$(bgp_session_count "$ld" "$case_dir" local)
        rc=$(cat "$rrun"/peers/*.conf | if [[ $rd == bird ]]; then grep -c '^protocol bgp '; else grep -cE '^ neighbor [^ ]+ remote-as '; fi)
        if secs=$(bgp_wait_up "$ld" "$lrun" "$lc" "$rd" "$rrun" "$rc" "$BGP_UP_TIMEOUT"); then
            result PASS "$KIND" "handoff-$pair" bgp-up "$FIXTURE" "$lc+$rc sessions Established after ${secs}s (their $rd: the handoff's file${HANDOFF_PASSWORD:+ plus the password sent separately})"
            if msg=$(handoff_wait_routes "$ld" "$lrun" "$rd" "$rrun" "$l" "$r" "$case_dir"); then
                result PASS "$KIND" "handoff-$pair" bgp-routes "$FIXTURE" "we got $(awk '$1 == "recv" {printf "%s ", $2}' "$case_dir/bgp/local/expect"); they got $(awk '$1 == "recv" {printf "%s ", $2}' "$case_dir/bgp/remote/expect"); nothing else; all in the kernel via $IFNAME after ${msg}s"
            else
                result FAIL "$KIND" "handoff-$pair" bgp-routes "$FIXTURE" "$msg; $(bgp_evidence "$ld" "$lrun" "$rd" "$rrun")"
                tail -n 15 "$lrun/bird-events.log" "$rrun/bird-events.log" "$rrun/frr.log" >&2 2>/dev/null
            fi
        else
            result FAIL "$KIND" "handoff-$pair" bgp-up "$FIXTURE" "not Established after ${secs}s: $(bgp_evidence "$ld" "$lrun" "$rd" "$rrun")"
            [[ $rd == bird ]] && tail -n 20 "$rrun/bird-events.log" >&2
            [[ $rd == frr ]] && tail -n 20 "$rrun/frr.log" >&2
        fi
    fi
    handoff_daemons_stop "$ld" "$lrun" "$rd" "$rrun" "$l" "$r"
}

# The README's Verify pings, from their end; every tunnel address of ours must be pinged.
handoff_pings() { # BACKEND_LABEL NS README
    local b=$1 ns=$2 readme=$3 line dest a fam check out pinged=" "
    while read -r line; do
        [[ $line == ping\ * ]] || continue
        dest=${line##* } dest=${dest%%\%*}
        fam=$(family_of "$dest") check=$fam
        [[ " $line " == *" -t 1 "* ]] && check=ttl1-$fam || pinged+="$dest "
        # shellcheck disable=SC2086 # the README's command line, split as a shell would
        if out=$(timeout "$HANDOFF_PING_TIMEOUT" ip netns exec "$ns" $line 2>&1); then
            result PASS "$KIND" "$b" "$check" "$FIXTURE" "$line: $(echo "$out" | grep -m1 'packet loss')"
        else
            result FAIL "$KIND" "$b" "$check" "$FIXTURE" "$line: $(echo "$out" | grep -v '^PING' | head -n 3)"
        fi
    done < <(readme_block "$readme" "## Verify")
    for a in $LOCAL_TUNNEL_ADDRS; do
        a=${a%/*}
        [[ $pinged == *" $a "* ]] ||
            result FAIL "$KIND" "$b" "$(family_of "$a")" "$FIXTURE" "the README's Verify section has no ping of our $a"
    done
}

# One way of setting up their tunnel, BACKEND ip or wg-quick, on a fresh underlay: the
# README's install commands in their namespace, our rendered ip script in ours, then the
# README's Verify checks and, for ip, the BGP pairs. Uses run_handoff_case's variables.
handoff_tunnel() { # BACKEND TAG
    local backend=$1 l=h${N}$2l x=h${N}$2x r=h${N}$2r t0=$SECONDS cmds out pair
    local b=handoff-$backend
    if ! underlay_up "$l" "$x" "$r" "$LOCAL_EP" "$REMOTE_EP" "${UNDERLAY_MTU:-1500}" 2>"$WORK/h$N$2.ul.log"; then
        result FAIL "$KIND" "$b" up "$FIXTURE" "underlay: $(cat "$WORK/h$N$2.ul.log")"
        underlay_down "$l" "$x" "$r"; return
    fi
    # wg-quick's section ends in `systemctl enable --now wg-quick@NAME`; the guest has no
    # systemd, so the unit's own command runs instead: `wg-quick up NAME`
    cmds=$(readme_block "$readme" "### $backend:" | sed 's/^systemctl enable --now wg-quick@\(.*\)$/wg-quick up \1/')
    if [[ -z $cmds ]]; then
        result FAIL "$KIND" "$b" up "$FIXTURE" "the README has no $backend install commands"
    # (the variable set by bash, not busybox's env: busybox would run its own sh and ip)
    elif ! out=$(WG_ENDPOINT_RESOLUTION_RETRIES=3 ip netns exec "$r" sh -ec "cd \"\$1\"; $cmds" sh "$folder" 2>&1); then
        result FAIL "$KIND" "$b" up "$FIXTURE" "their end, README's \"$cmds\": $out"
    elif ! apply_side ip "$l" "$case_dir/ip/local" "$WORK/h$N$2.l.log" "" "" ""; then
        result FAIL "$KIND" "$b" up "$FIXTURE" "our end: $(tail -n 3 "$WORK/h$N$2.l.log")"
    elif ! settle "$r" "$IFNAME" "$REMOTE_TUNNEL_ADDRS" || ! settle "$l" "$IFNAME" "$LOCAL_TUNNEL_ADDRS"; then
        result FAIL "$KIND" "$b" up "$FIXTURE" "not up with the addresses after ${SETTLE_TIMEOUT}s: $(ip -n "$r" -o addr show dev "$IFNAME" 2>&1 | head -n 3)"
    else
        result PASS "$KIND" "$b" up "$FIXTURE" "their end from the README's \"$(echo "$cmds" | tr '\n' ';' | sed 's/;$//; s/;/; /g')\" in $((SECONDS - t0))s"
        handoff_pings "$b" "$r" "$readme"
        if [[ $KIND == wireguard ]]; then
            out=$(ip netns exec "$r" wg show "$IFNAME" 2>&1)
            if [[ $out == *"latest handshake"* ]]; then
                result PASS "$KIND" "$b" wg-show "$FIXTURE" "$(echo "$out" | grep -m1 'latest handshake')"
            else
                result FAIL "$KIND" "$b" wg-show "$FIXTURE" "no handshake: $(echo "$out" | tr '\n' ' ')"
            fi
        fi
        # the README's command, with its --no-bgp: the daemons start below
        if out=$(cd "$folder" && ip netns exec "$r" /e2e/bin/peergen status --side local --no-bgp "$name" 2>&1); then
            result PASS "$KIND" "$b" status "$FIXTURE" "peergen status --side local $name: $(echo "$out" | head -n 1)"
        else
            result FAIL "$KIND" "$b" status "$FIXTURE" "peergen status --side local $name: $(echo "$out" | head -n 6)"
        fi
        if [[ $backend == ip && -d $case_dir/bgp/remote ]]; then
            for pair in "${HANDOFF_PAIRS[@]}"; do
                # FRR 8.4 on both ends never dials a link-local neighbour (expected-refusals.txt):
                # their FRR then gets our BIRD, which dials
                bgp_expected_na "$FIXTURE" "$pair" >/dev/null && pair=bird-${pair#*-}
                handoff_bgp_pair "$case_dir" "$pair" "$N" "$l" "$r"
            done
        fi
    fi
    underlay_down "$l" "$x" "$r"
}

run_handoff_case() { # CASE_DIR N
    local case_dir=$1 N=$2 FIXTURE KIND IFNAME LOCAL_EP REMOTE_EP UNDERLAY_MTU LOCAL_ADDRS REMOTE_ADDRS
    local LOCAL_TUNNEL_ADDRS="" REMOTE_TUNNEL_ADDRS="" REMOTE_HOST="" THEIR_KEY=""
    source "$case_dir/case.env"
    source "$case_dir/handoff/handoff.env"
    local folder=$case_dir/handoff/folder t0=$SECONDS
    local readme=$case_dir/handoff/folder/README.md name path want got
    local HANDOFF_PASSWORD=""
    [[ -f $case_dir/handoff/sent-separately/password ]] && HANDOFF_PASSWORD=1
    name=$(basename "$(ls "$folder"/*.toml | head -n 1)")
    # Their key: "Your files read your private key from `PATH`". They generated it and sent
    # us its public key; here that is the pre-generated test key our peer file expects.
    if [[ $KIND == wireguard ]]; then
        path=$(sed -n 's/^Your files read your private key from `\([^`]*\)`.*/\1/p' "$readme")
        want=$(grep -o 'in the table above (`[^`]*`)' "$readme" | sed 's/.*(`\(.*\)`)/\1/')
        if [[ -z $path ]]; then
            result FAIL "$KIND" handoff-key key "$FIXTURE" "the README names no private key path"
        else
            mkdir -p "$(dirname "$path")"
            (umask 077 && cp "$THEIR_KEY" "$path")
            got=$(wg pubkey <"$path")
            if [[ $got == "$want" ]]; then
                result PASS "$KIND" handoff-key key "$FIXTURE" "$path: public key $got, as the README says"
            else
                result FAIL "$KIND" handoff-key key "$FIXTURE" "$path has public key $got, the README says ${want:-nothing}"
            fi
        fi
    fi
    handoff_tunnel ip i
    # WireGuard also with wg-quick, the README's first choice for it
    [[ $KIND == wireguard ]] && handoff_tunnel wg-quick w
    echo "guest: $FIXTURE/handoff took $((SECONDS - t0))s" >&2
}
