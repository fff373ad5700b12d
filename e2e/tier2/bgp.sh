# Tier-2 BGP cases, sourced by guest.sh (uses its underlay, apply_side, settle and result):
# for a fixture with [bgp], bring the tunnel up from the rendered ip scripts on the routed
# underlay (tunnel bring-up is proven per backend by the plain cases), then run the rendered
# daemon configs in both namespaces, local ↔ remote: bird-bird, frr-frr and bird-frr
# (local BIRD, remote FRR). Each runs inside its side's frame (lib/prepare_bgp.py).
#   bgp-up      every session of both sides Established within BGP_UP_TIMEOUT; the message
#               says after how many seconds (counted from starting the daemons)
#   bgp-routes  each side has received exactly the prefixes the other announces, in every
#               family carried, and not the route the other holds outside its list; the
#               daemon installed each in the kernel through the tunnel
#   status-local, status-remote
#               `peergen status` on each end (in its namespace, pointed at that end's daemon
#               sockets) exits 0: the tunnel and every BGP session match the peer file
#   status-session-down
#               the remote daemon stopped: `peergen status --json` on the local end exits 1
#               with a bgp-session finding (its sessions are no longer Established)
#   status-no-daemon
#               and on the remote end, whose daemon is gone: exit 1 with bgp-daemon
# Pairs listed in /e2e/expected-refusals.txt (fixture, pair) are reported NA with the reason.

BGP_UP_TIMEOUT=${BGP_UP_TIMEOUT:-120}        # seconds; measured up to 66 (bird-frr with BFD), docs/testing.md
BGP_ROUTES_TIMEOUT=${BGP_ROUTES_TIMEOUT:-30} # seconds after Established for the updates
BGP_PAIRS=(bird-bird frr-frr bird-frr)
PEERGEN_IN_GUEST=${PEERGEN_IN_GUEST:-/e2e/bin/peergen}
BGP_STATUS_DOWN_TIMEOUT=${BGP_STATUS_DOWN_TIMEOUT:-30} # seconds for a session to leave Established

# shellcheck source=../lib/bgp-daemons.sh
source "${BGP_DAEMONS:-/e2e/bgp-daemons.sh}"

bgp_expected_na() { # FIXTURE PAIR -> prints the reason, status 0 when listed
    awk -v f="$1" -v p="$2" '$1 == f && $2 == p {$1 = $2 = ""; sub(/^ +/, ""); print; found = 1}
        END {exit !found}' /e2e/expected-refusals.txt 2>/dev/null
}

# The daemon of one side, started in NS from the case's rendered files and frame. Prints
# what went wrong; status 1 then.
bgp_start() { # DAEMON NS RUN CASE_DIR SIDE
    local daemon=$1 ns=$2 run=$3 case_dir=$4 side=$5 extra=() BFD=0
    rm -rf "$run"; mkdir -p "$run/peers"
    find "$case_dir/$daemon/$side" -path '*peers/*.conf' -exec cp {} "$run/peers/" \;
    source "$case_dir/bgp/$side/case.env"
    case $daemon in
    bird)
        # the frame, plus a log file: there is no syslog in the namespaces
        { echo "log \"$run/bird-events.log\" all;"; cat "$case_dir/bgp/$side/bird.conf"; } >"$run/bird.conf"
        bird_start "$ns" "$run" "$run/bird.conf" || { echo "bird: $(tail -n 3 "$run/bird.log")"; return 1; }
        ;;
    frr)
        # frr.conf as docs/backends/frr.md assembles it: the frame, then the peer files
        { echo "log file $run/frr.log informational"; cat "$case_dir/bgp/$side/frr-head.conf" "$run"/peers/*.conf; } >"$run/frr.conf"
        extra=(staticd)   # the frame's blackhole routes for what we announce
        ((BFD)) && extra+=(bfdd)
        frr_start "$ns" "$run" "$run/frr.conf" "${extra[@]}" || return 1
        ;;
    esac
}

bgp_stop() { # DAEMON RUN
    if [[ $1 == bird ]]; then bird_stop "$2"; else frr_stop "$2"; fi
}

bgp_states() { # DAEMON RUN
    if [[ $1 == bird ]]; then bird_bgp_states "$2"; else frr_bgp_states "$2"; fi
}

bgp_routes() { # DAEMON RUN
    if [[ $1 == bird ]]; then bird_bgp_routes "$2"; else frr_bgp_routes "$2"; fi
}

# How many sessions the rendered file of one side configures.
bgp_session_count() { # DAEMON CASE_DIR SIDE
    find "$2/$1/$3" -path '*peers/*.conf' -exec cat {} + |
        if [[ $1 == bird ]]; then grep -c '^protocol bgp '; else grep -cE '^ neighbor [^ ]+ remote-as '; fi
}

# All sessions of one side Established?
bgp_all_up() { # DAEMON RUN COUNT
    local states
    states=$(bgp_states "$1" "$2")
    [[ $(grep -c ' Established$' <<<"$states") == "$3" ]]
}

# `peergen status` of one end, in its namespace, asking that end's daemons on their private
# sockets (the one not running there has no socket: peergen reads it as not running).
# Prints the output (after a first line `exit N`).
bgp_peergen_status() { # NS RUN SIDE PEERFILE [ARGS...]
    local ns=$1 run=$2 side=$3 peer=$4 out rc
    shift 4
    out=$(ip netns exec "$ns" timeout 60 "$PEERGEN_IN_GUEST" status --side "$side" \
        --bird-socket "$run/bird.ctl" --frr-vty-socket "$run/vty" "$@" "$peer" 2>&1)
    rc=$?
    printf 'exit %s\n%s\n' "$rc" "$out"
}

# Positive: exit 0 on both ends. Reports status-local and status-remote.
bgp_status_ok() { # PAIR CASE_DIR LNS LRUN RNS RRUN
    local pair=$1 case_dir=$2 side ns run out
    for side in local remote; do
        if [[ $side == local ]]; then ns=$3 run=$4; else ns=$5 run=$6; fi
        out=$(bgp_peergen_status "$ns" "$run" "$side" "$case_dir/peer.toml")
        if [[ $(head -n 1 <<<"$out") == "exit 0" ]]; then
            # the verdict line and the session lines: which daemon, state, counts
            result PASS "$KIND" "$pair" "status-$side" "$FIXTURE" "$(sed 1d <<<"$out" | tr -s ' ' | tr '\n' ' ')"
        else
            result FAIL "$KIND" "$pair" "status-$side" "$FIXTURE" "$(tr -s ' ' <<<"$out" | tr '\n' ' ')"
        fi
    done
}

# Negative twin: the remote daemon stopped. The local end must report bgp-session (exit 1)
# once its sessions leave Established; the remote end bgp-daemon (exit 1).
bgp_status_down() { # PAIR CASE_DIR LNS LRUN RD RNS RRUN
    local pair=$1 case_dir=$2 l=$3 lrun=$4 rd=$5 r=$6 rrun=$7 out t0=$SECONDS
    bgp_stop "$rd" "$rrun"
    while :; do
        out=$(bgp_peergen_status "$l" "$lrun" local "$case_dir/peer.toml" --json)
        [[ $(head -n 1 <<<"$out") == "exit 1" ]] && grep -q '"check": "bgp-session"' <<<"$out" && break
        ((SECONDS - t0 >= BGP_STATUS_DOWN_TIMEOUT)) && break
        sleep 1
    done
    if [[ $(head -n 1 <<<"$out") == "exit 1" ]] && grep -q '"check": "bgp-session"' <<<"$out"; then
        result PASS "$KIND" "$pair" status-session-down "$FIXTURE" "exit 1 after $((SECONDS - t0))s: $(grep -E '"(check|actual)"' <<<"$out" | tr -s ' ' | tr '\n' ' ')"
    else
        result FAIL "$KIND" "$pair" status-session-down "$FIXTURE" "no bgp-session finding within ${BGP_STATUS_DOWN_TIMEOUT}s: $(tr -s ' ' <<<"$out" | tr '\n' ' ')"
    fi
    out=$(bgp_peergen_status "$r" "$rrun" remote "$case_dir/peer.toml" --json)
    if [[ $(head -n 1 <<<"$out") == "exit 1" ]] && grep -q '"check": "bgp-daemon"' <<<"$out"; then
        result PASS "$KIND" "$pair" status-no-daemon "$FIXTURE" "exit 1: $(grep -E '"(check|actual)"' <<<"$out" | tr -s ' ' | tr '\n' ' ')"
    else
        result FAIL "$KIND" "$pair" status-no-daemon "$FIXTURE" "$(tr -s ' ' <<<"$out" | tr '\n' ' ')"
    fi
}

# Wait until both sides have every session Established or SECONDS passed; prints the
# elapsed seconds, status 1 on timeout.
bgp_wait_up() { # LD LRUN LCOUNT RD RRUN RCOUNT LIMIT
    local t0=$SECONDS
    while ((SECONDS - t0 < $7)); do
        if bgp_all_up "$1" "$2" "$3" && bgp_all_up "$4" "$5" "$6"; then
            echo $((SECONDS - t0)); return 0
        fi
        sleep 1
    done
    echo $((SECONDS - t0)); return 1
}

# Received routes against CASE/bgp/SIDE/expect; prints the differences (empty = exact).
bgp_routes_diff() { # DAEMON RUN EXPECT
    local got want p msg=""
    got=$(bgp_routes "$1" "$2")
    want=$(awk '$1 == "recv" {print $2}' "$3" | sort -u)
    for p in $want; do grep -qxF "$p" <<<"$got" || msg+="missing $p; "; done
    for p in $got; do grep -qxF "$p" <<<"$want" || msg+="unexpected $p; "; done
    echo "$msg"
}

# The received prefixes in the kernel's main table through the tunnel, installed by the
# daemon (BIRD's kernel protocol, zebra): routes a daemon holds but cannot install (no
# usable next hop) fail here. Prints the problems.
bgp_kernel_diff() { # NS IFNAME EXPECT
    local p fam line
    for p in $(awk '$1 == "recv" {print $2}' "$3"); do
        fam=4; [[ $p == *:* ]] && fam=6
        line=$(ip -n "$1" -"$fam" -o route show exact "$p" 2>&1)
        [[ $line == *" dev $2 "* && $line =~ \ proto\ (bird|bgp)\  ]] ||
            echo "kernel has no BGP route $p dev $2 (${line:-none});"
    done
}

bgp_wait_routes() { # DAEMON RUN EXPECT LIMIT -> prints the final difference
    local t0=$SECONDS msg
    while :; do
        msg=$(bgp_routes_diff "$1" "$2" "$3")
        [[ -z $msg ]] && return 0
        ((SECONDS - t0 >= $4)) && { echo "$msg"; return 1; }
        sleep 1
    done
}

# Until a side sends PREFIX to its neighbours, at most LIMIT seconds.
bgp_wait_exported() { # DAEMON RUN PREFIX LIMIT
    local t0=$SECONDS
    until "${1}_bgp_exported" "$2" | grep -qxF "$3"; do
        ((SECONDS - t0 >= $4)) && return 1
        sleep 1
    done
}

# The state lines of both sides, for a failure message.
bgp_evidence() { # LD LRUN RD RRUN
    echo "local $1: $(bgp_states "$1" "$2" | tr '\n' ' ') remote $3: $(bgp_states "$3" "$4" | tr '\n' ' ')"
    [[ $1 == frr ]] && frr_bgp_last_reset "$2" | tr '\n' ' '
    [[ $3 == frr ]] && frr_bgp_last_reset "$4" | tr '\n' ' '
}

# Tunnel up from the ip scripts on a fresh routed underlay; status 1 (after reporting)
# when it does not come up.
bgp_tunnel_up() { # CASE_DIR N PAIR
    local case_dir=$1 N=$2 pair=$3 l=b${2}l x=b${2}x r=b${2}r
    if ! underlay_up "$l" "$x" "$r" "$LOCAL_EP" "$REMOTE_EP" "${UNDERLAY_MTU:-1500}" 2>"$WORK/b$N.ul.log"; then
        result FAIL "$KIND" "$pair" bgp-up "$FIXTURE" "underlay: $(cat "$WORK/b$N.ul.log")"; return 1
    fi
    if ! apply_side ip "$r" "$case_dir/ip/remote" "$WORK/b$N.r.log" "" "" "" ||
        ! apply_side ip "$l" "$case_dir/ip/local" "$WORK/b$N.l.log" "" "" "" ||
        ! settle "$r" "$IFNAME" "$REMOTE_TUNNEL_ADDRS" || ! settle "$l" "$IFNAME" "$LOCAL_TUNNEL_ADDRS"; then
        result FAIL "$KIND" "$pair" bgp-up "$FIXTURE" "tunnel not up: $(tail -n 3 "$WORK/b$N.l.log" "$WORK/b$N.r.log" | tr '\n' ' ')"
        return 1
    fi
}

run_bgp_case() { # CASE_DIR PAIR N
    local case_dir=$1 pair=$2 N=$3 FIXTURE KIND IFNAME LOCAL_EP REMOTE_EP UNDERLAY_MTU LOCAL_ADDRS REMOTE_ADDRS
    local LOCAL_TUNNEL_ADDRS="" REMOTE_TUNNEL_ADDRS="" REMOTE_HOST=""
    source "$case_dir/case.env"
    local ld=${pair%-*} rd=${pair#*-} l=b${N}l x=b${N}x r=b${N}r lrun=$WORK/b$N.local rrun=$WORK/b$N.remote
    local why lc rc secs msg t0=$SECONDS
    if why=$(bgp_expected_na "$FIXTURE" "$pair"); then
        result NA "$KIND" "$pair" bgp-up "$FIXTURE" "$why"; return
    fi
    if bgp_tunnel_up "$case_dir" "$N" "$pair"; then
        lc=$(bgp_session_count "$ld" "$case_dir" local) rc=$(bgp_session_count "$rd" "$case_dir" remote)
        if ! msg=$(bgp_start "$rd" "$r" "$rrun" "$case_dir" remote) ||
            ! msg=$(bgp_start "$ld" "$l" "$lrun" "$case_dir" local); then
            result FAIL "$KIND" "$pair" bgp-up "$FIXTURE" "$msg"
        elif secs=$(bgp_wait_up "$ld" "$lrun" "$lc" "$rd" "$rrun" "$rc" "$BGP_UP_TIMEOUT"); then
            result PASS "$KIND" "$pair" bgp-up "$FIXTURE" "$lc+$rc sessions Established after ${secs}s"
            local lmsg rmsg
            lmsg=$(bgp_wait_routes "$ld" "$lrun" "$case_dir/bgp/local/expect" "$BGP_ROUTES_TIMEOUT")
            rmsg=$(bgp_wait_routes "$rd" "$rrun" "$case_dir/bgp/remote/expect" 5)
            sleep 1   # the kernel protocol / zebra install right after the update
            lmsg+=$(bgp_kernel_diff "$l" "$IFNAME" "$case_dir/bgp/local/expect")
            rmsg+=$(bgp_kernel_diff "$r" "$IFNAME" "$case_dir/bgp/remote/expect")
            if [[ -z $lmsg$rmsg ]]; then
                result PASS "$KIND" "$pair" bgp-routes "$FIXTURE" "local got $(awk '$1 == "recv" {printf "%s ", $2}' "$case_dir/bgp/local/expect"); remote got $(awk '$1 == "recv" {printf "%s ", $2}' "$case_dir/bgp/remote/expect"); neither got the other's unlisted route; all in the kernel via $IFNAME"
            else
                result FAIL "$KIND" "$pair" bgp-routes "$FIXTURE" "${lmsg:+local: $lmsg}${rmsg:+ remote: $rmsg}"
            fi
            bgp_status_ok "$pair" "$case_dir" "$l" "$lrun" "$r" "$rrun"
            bgp_status_down "$pair" "$case_dir" "$l" "$lrun" "$rd" "$r" "$rrun"
        else
            result FAIL "$KIND" "$pair" bgp-up "$FIXTURE" "not Established after ${secs}s: $(bgp_evidence "$ld" "$lrun" "$rd" "$rrun")"
            [[ $ld == bird ]] && tail -n 20 "$lrun/bird-events.log" >&2
            [[ $ld == frr ]] && tail -n 20 "$lrun/frr.log" >&2
        fi
    fi
    bgp_stop "$ld" "$lrun"; bgp_stop "$rd" "$rrun"
    underlay_down "$l" "$x" "$r"
    echo "guest: $FIXTURE/$pair took $((SECONDS - t0))s" >&2
}

# Negative twins (e2e/negative/bgp-*.toml, the remote side from NAME.remote.toml), run with
# two daemons of one kind:
#   bgp-password-mismatch  never Established within BGP_NEG_TIMEOUT
#   bgp-foreign-prefix     Established, and the local side has the listed prefix but not
#                          the one outside the list (its import filter dropped it)
#   bgp-max-prefix         the local side hits its limit: BIRD "Route limit exceeded" /
#                          FRR maximum-prefix, and it never holds the remote's four routes
BGP_NEG_TIMEOUT=${BGP_NEG_TIMEOUT:-40}

neg_bgp_result() { # PASS|FAIL PAIR TWIN [MESSAGE]
    result "$1" negative "$2" "$3" - "${@:4}"
}

run_bgp_negative() { # TWIN PAIR N
    local twin=$1 pair=$2 N=$3 case_dir=${NEG_CASES:-/e2e/negative-cases}/$1
    local FIXTURE=$1 KIND IFNAME LOCAL_EP REMOTE_EP UNDERLAY_MTU=1500 LOCAL_TUNNEL_ADDRS REMOTE_TUNNEL_ADDRS
    source "$case_dir/bgp/tunnel.env"
    local ld=${pair%-*} rd=${pair#*-} l=b${N}l x=b${N}x r=b${N}r lrun=$WORK/b$N.local rrun=$WORK/b$N.remote
    local lc rc secs msg evidence n
    if bgp_tunnel_up "$case_dir" "$N" "$pair"; then
        lc=$(bgp_session_count "$ld" "$case_dir" local) rc=$(bgp_session_count "$rd" "$case_dir" remote)
        if ! msg=$(bgp_start "$rd" "$r" "$rrun" "$case_dir" remote) ||
            ! msg=$(bgp_start "$ld" "$l" "$lrun" "$case_dir" local); then
            neg_bgp_result FAIL "$pair" "$twin" "daemons did not start: $msg"
        else
            case $twin in
            bgp-password-mismatch)
                if secs=$(bgp_wait_up "$ld" "$lrun" "$lc" "$rd" "$rrun" "$rc" "$BGP_NEG_TIMEOUT"); then
                    neg_bgp_result FAIL "$pair" "$twin" "Established after ${secs}s with different passwords"
                else
                    neg_bgp_result PASS "$pair" "$twin" "not Established in ${secs}s: $(bgp_evidence "$ld" "$lrun" "$rd" "$rrun")"
                fi ;;
            bgp-foreign-prefix)
                if ! secs=$(bgp_wait_up "$ld" "$lrun" "$lc" "$rd" "$rrun" "$rc" "$BGP_UP_TIMEOUT"); then
                    neg_bgp_result FAIL "$pair" "$twin" "not Established: $(bgp_evidence "$ld" "$lrun" "$rd" "$rrun")"
                elif ! bgp_wait_exported "$rd" "$rrun" 203.0.113.0/24 10; then
                    # the twin proves nothing unless the remote really sends it
                    neg_bgp_result FAIL "$pair" "$twin" "the remote does not send 203.0.113.0/24: $("${rd}_bgp_exported" "$rrun" | tr '\n' ' ')"
                elif msg=$(bgp_wait_routes "$ld" "$lrun" "$case_dir/bgp/local/expect" 10); then
                    neg_bgp_result PASS "$pair" "$twin" "remote sent $("${rd}_bgp_exported" "$rrun" | tr '\n' ' '); local kept only $(bgp_routes "$ld" "$lrun" | tr '\n' ' ')(not $(awk '$1 == "absent" {printf "%s ", $2}' "$case_dir/bgp/local/expect"))"
                else
                    neg_bgp_result FAIL "$pair" "$twin" "local: $msg"
                fi ;;
            bgp-max-prefix)
                local t0=$SECONDS got=0
                evidence=""
                while ((SECONDS - t0 < BGP_NEG_TIMEOUT)); do
                    if [[ $ld == bird ]]; then
                        evidence=$(birdc_q "$lrun" show protocols all | grep -iE 'limit exceeded|Route limit' | head -n 2)
                    else
                        # bgpd logs %MAXPFXEXCEED and shows the neighbour Idle (PfxCt)
                        evidence=$(grep -hE 'MAXPFXEXCEED' "$lrun/frr.log" | head -n 1)
                        evidence+=$(vtysh_q "$lrun" 'show bgp neighbors' | grep -iE 'PfxCt|exceeded the max' | head -n 2)
                    fi
                    n=$(bgp_routes "$ld" "$lrun" | grep -c '^192\.0\.2\.[0-9]*/26$')
                    ((n > got)) && got=$n
                    [[ -n $evidence ]] && break
                    sleep 1
                done
                if [[ -n $evidence ]] && ((got < 4)); then
                    neg_bgp_result PASS "$pair" "$twin" "$(echo "$evidence" | tr -s ' \n' ' ')"
                else
                    neg_bgp_result FAIL "$pair" "$twin" "no limit hit in ${BGP_NEG_TIMEOUT}s (held $got of the 4 /26): $(bgp_evidence "$ld" "$lrun" "$rd" "$rrun")"
                fi ;;
            esac
        fi
    fi
    bgp_stop "$ld" "$lrun"; bgp_stop "$rd" "$rrun"
    underlay_down "$l" "$x" "$r"
}
