# Starting, querying and stopping BIRD 2 and FRR 8 inside a network namespace without
# systemd (sourced by the tier-2 guest script; also usable on the host over veth).
# Every daemon of one end lives under RUN=DIR: its config, sockets, pid files and log.
# Every birdc/vtysh call is bounded by `timeout`: a daemon that hangs must fail the check,
# not the run.

BGP_CLI_TIMEOUT=${BGP_CLI_TIMEOUT:-10}   # seconds for one birdc/vtysh call
FRR_START_TIMEOUT=${FRR_START_TIMEOUT:-40} # zebra takes >10 s to come up under TCG

# BIRD: FRAME is the main config (it includes the per-peer files).
bird_start() { # NS RUN FRAME
    local ns=$1 run=$2 frame=$3
    ip netns exec "$ns" bird -c "$frame" -s "$run/bird.ctl" -P "$run/bird.pid" >"$run/bird.log" 2>&1
}

birdc_q() { # RUN COMMAND...
    local run=$1; shift
    timeout "$BGP_CLI_TIMEOUT" birdc -s "$run/bird.ctl" "$@" 2>&1
}

bird_stop() { # RUN
    [[ -f $1/bird.pid ]] && kill "$(cat "$1/bird.pid")" 2>/dev/null
    rm -f "$1/bird.pid"
}

# The BGP state of every `protocol bgp` in one line each: NAME STATE (BIRD's words:
# Established, Active, Connect, Idle ...).
bird_bgp_states() { # RUN
    birdc_q "$1" show protocols all | awk '
        /^[A-Za-z0-9_]+ +BGP / {name = $1}
        name != "" && /BGP state:/ {print name, $3; name = ""}'
}

# Prefixes in BIRD's tables learned from BGP, one per line, sorted.
bird_bgp_routes() { # RUN
    birdc_q "$1" show route where source = RTS_BGP | awk '$1 ~ /[.:].*\// {print $1}' | sort -u
}

# FRR: the daemons start with empty configs and CONF, the assembled integrated config
# (frame + per-peer files, as /etc/frr/frr.conf would hold it), is applied with
# `vtysh -f`, which hands each line to the daemon it belongs to (bgpd, staticd, ...).
# zebra's parent can take seconds to return under emulation; we wait for its sockets
# instead, as BGP.md advises, and give up early when the parent failed. The daemons drop
# privileges to the Debian package's frr user and frrvty group (the guest image has both).
frr_start() { # NS RUN CONF [EXTRA_DAEMON...]
    local ns=$1 run=$2 conf=$3 t d parent out
    shift 3
    mkdir -p "$run/vty"
    chown frr:frr "$run" "$run/vty" 2>/dev/null
    ip netns exec "$ns" /usr/lib/frr/zebra -d -f /dev/null -i "$run/zebra.pid" -z "$run/zserv.api" \
        --vty_socket "$run/vty" -A 127.0.0.1 -P 0 >"$run/zebra.log" 2>&1 &
    parent=$!
    for ((t = 0; t < FRR_START_TIMEOUT * 4; t++)); do
        [[ -S $run/zserv.api && -S $run/vty/zebra.vty ]] && break
        if ! kill -0 "$parent" 2>/dev/null && ! wait "$parent"; then break; fi
        sleep 0.25
    done
    [[ -S $run/zserv.api && -S $run/vty/zebra.vty ]] || { echo "zebra: no sockets after ${FRR_START_TIMEOUT}s: $(tail -n 3 "$run/zebra.log")"; return 1; }
    for d in bgpd "$@"; do
        ip netns exec "$ns" /usr/lib/frr/"$d" -d -f /dev/null -i "$run/$d.pid" -z "$run/zserv.api" \
            --vty_socket "$run/vty" -A 127.0.0.1 -P 0 >"$run/$d.log" 2>&1 &
    done
    for d in bgpd "$@"; do
        for ((t = 0; t < FRR_START_TIMEOUT * 4; t++)); do
            [[ -S $run/vty/$d.vty ]] && break
            sleep 0.25
        done
        [[ -S $run/vty/$d.vty ]] || { echo "$d: no vty socket after ${FRR_START_TIMEOUT}s: $(tail -n 3 "$run/$d.log")"; return 1; }
    done
    # FRR fails open: a line it does not take is only a message, so read the messages
    out=$(timeout 60 vtysh --vty_socket "$run/vty" -f "$conf" 2>&1) || { echo "vtysh -f $conf: exit $?: $out"; return 1; }
    if grep -qE '% |processing failure' <<<"$out"; then
        echo "vtysh -f $conf: $(grep -E '% |processing failure' <<<"$out" | head -n 3)"; return 1
    fi
}

vtysh_q() { # RUN COMMAND
    timeout "$BGP_CLI_TIMEOUT" vtysh --vty_socket "$1/vty" -c "$2" 2>&1
}

frr_stop() { # RUN
    local p
    for p in "$1"/*.pid; do
        [[ -f $p ]] && kill "$(cat "$p")" 2>/dev/null
    done
    rm -f "$1"/*.pid
}

# NEIGHBOR STATE for every neighbour bgpd knows (text output: the guest has no python).
frr_bgp_states() { # RUN
    vtysh_q "$1" 'show bgp neighbors' | awk '
        /^BGP neighbor is / {n = $4; sub(/,$/, "", n)}
        /^ *BGP state = / && n != "" {s = $4; sub(/,$/, "", s); print n, s; n = ""}'
}

# Prefixes bgpd accepted from its neighbours (after the import route map), one per line,
# sorted: `show bgp FAMILY unicast neighbors X routes` lists only routes learned from X.
frr_bgp_routes() { # RUN
    local n fam
    for n in $(frr_bgp_states "$1" | awk '{print $1}'); do
        for fam in ipv4 ipv6; do
            vtysh_q "$1" "show bgp $fam unicast neighbors $n routes"
        done
    done | awk '{for (i = 1; i <= NF; i++) if ($i ~ /^[0-9a-fA-F.:]+\/[0-9]+$/) print $i}' | sort -u
}

# What bgpd says about a neighbour that went down (last reset reason), for the messages.
frr_bgp_last_reset() { # RUN
    vtysh_q "$1" 'show bgp neighbors' | grep -E 'Last reset|Idle \(' | sort -u | head -n 2
}

# Prefixes a side sends its BGP neighbours (after its export filter/route map), sorted.
bird_bgp_exported() { # RUN
    local p
    for p in $(bird_bgp_states "$1" | awk '{print $1}'); do
        birdc_q "$1" show route export "$p"
    done | awk '$1 ~ /[.:].*\// {print $1}' | sort -u
}

frr_bgp_exported() { # RUN
    local n fam
    for n in $(frr_bgp_states "$1" | awk '{print $1}'); do
        for fam in ipv4 ipv6; do
            vtysh_q "$1" "show bgp $fam unicast neighbors $n advertised-routes"
        done
    done | awk '{for (i = 1; i <= NF; i++) if ($i ~ /^[0-9a-fA-F.:]+\/[0-9]+$/) print $i}' | sort -u
}
