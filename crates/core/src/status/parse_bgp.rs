//! The BGP daemons' answers about one session, parsed into [`DaemonAnswer`].
//!
//! FRR answers in JSON (`show bgp neighbors ADDRESS json`), read by field name. BIRD 2
//! has no structured output at all: `birdc show protocols all NAME` prints a table row
//! and indented `key: value` lines meant for people. Only a few of those lines are read
//! (the protocol row, `BGP state:`, `Last error:`, `Channel ipv4|ipv6` and its
//! `Routes:`), each by its fixed label, and anything else is ignored, so a BIRD that
//! prints more (or fewer) lines still parses; a label that is missing leaves its value
//! unknown rather than guessed.

use std::net::IpAddr;

use serde_json::Value;

use super::host::{BgpFamilyCounts, BgpSessionState, DaemonAnswer};
use crate::bgp::Family;

/// `birdc show protocols all NAME` (stdout, including the `BIRD x.y ready.` line).
///
/// BIRD refuses a name it does not know as a syntax error (`unexpected
/// CF_SYM_UNDEFINED`): a daemon that answers without a `NAME BGP …` row has no such
/// session.
pub fn bird_protocol(name: &str, text: &str) -> DaemonAnswer {
    let mut lines = text.lines();
    let Some(row) = lines
        .by_ref()
        .find(|l| l.split_whitespace().next() == Some(name))
    else {
        return DaemonAnswer::NoSuchSession;
    };
    let cols: Vec<&str> = row.split_whitespace().collect();
    // Name Proto Table State Since Info: a protocol of another type that has the name
    // is not the session.
    if cols.get(1) != Some(&"BGP") {
        return DaemonAnswer::NoSuchSession;
    }
    // Since is one word (`03:33:48.368`) or, with an ISO `timeformat`, a date and a time.
    let since = match (cols.get(4), cols.get(5)) {
        (Some(d), Some(t)) if is_date(d) && t.contains(':') => Some(format!("{d} {t}")),
        (Some(s), _) => Some((*s).to_owned()),
        _ => None,
    };
    let mut state = BgpSessionState {
        state: String::new(),
        since,
        for_seconds: None,
        last_error: None,
        families: Vec::new(),
    };
    let mut family = None;
    for line in lines {
        let line = line.trim();
        if let Some(v) = line.strip_prefix("BGP state:") {
            state.state = v.trim().to_owned();
        } else if let Some(v) = line.strip_prefix("Last error:") {
            state.last_error = Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        } else if let Some(v) = line.strip_prefix("Channel ") {
            family = match v.trim() {
                "ipv4" => Some(Family::Ipv4),
                "ipv6" => Some(Family::Ipv6),
                _ => None,
            };
            if let Some(f) = family {
                state.families.push(BgpFamilyCounts {
                    family: f,
                    imported: None,
                    exported: None,
                });
            }
        } else if let Some(v) = line.strip_prefix("Routes:") {
            if let (Some(_), Some(counts)) = (family, state.families.last_mut()) {
                // `1 imported, 0 filtered, 1 exported, 1 preferred`
                for part in v.split(',') {
                    let mut words = part.split_whitespace();
                    let (Some(n), Some(what)) = (words.next(), words.next()) else {
                        continue;
                    };
                    let n = n.parse().ok();
                    match what {
                        "imported" => counts.imported = n,
                        "exported" => counts.exported = n,
                        _ => {}
                    }
                }
            }
        }
    }
    if state.state.is_empty() {
        // The row's Info column starts with the BGP state when the detail is missing.
        let info = if state.since.as_deref().is_some_and(|s| s.contains(' ')) {
            6
        } else {
            5
        };
        state.state = cols
            .get(info)
            .map_or_else(|| "unknown".to_owned(), |s| (*s).to_owned());
    }
    DaemonAnswer::Session(state)
}

fn is_date(word: &str) -> bool {
    word.len() == 10 && word.as_bytes().get(4) == Some(&b'-')
}

/// `vtysh -c 'show bgp neighbors ADDRESS json'`.
///
/// bgpd answers `{"bgpNoSuchNeighbor":true}` for an address it has no neighbour for;
/// text that is not JSON comes from vtysh itself when bgpd is not among the daemons it
/// reached (`% Unknown command`), or from bgpd without a BGP instance.
pub fn frr_neighbor(neighbor: IpAddr, text: &str) -> DaemonAnswer {
    let Ok(Value::Object(doc)) = serde_json::from_str::<Value>(text) else {
        return if text.contains("No BGP") {
            DaemonAnswer::NoSuchSession
        } else {
            DaemonAnswer::NotRunning
        };
    };
    // The neighbour's object is keyed by its address as FRR prints it; one neighbour was
    // asked for, so a single object with `bgpState` is it whatever the spelling.
    let key = neighbor.to_string();
    let n = doc.get(&key).or_else(|| {
        let mut found = doc.values().filter(|v| v.get("bgpState").is_some());
        match (found.next(), found.next()) {
            (Some(v), None) => Some(v),
            _ => None,
        }
    });
    let Some(n) = n.filter(|n| n.get("bgpState").is_some()) else {
        return DaemonAnswer::NoSuchSession;
    };
    let state = n
        .get("bgpState")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_owned();
    let ms = |k: &str| n.get(k).and_then(Value::as_u64).map(|v| v / 1000);
    let established = state.eq_ignore_ascii_case("Established");
    let for_seconds = if established {
        ms("bgpTimerUpMsec")
    } else {
        // Out of Established since its last reset (none: never up).
        ms("lastResetTimerMsecs")
    };
    let text_of = |k: &str| {
        n.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let last_error = if established {
        None
    } else {
        match (text_of("lastNotificationReason"), text_of("lastResetDueTo")) {
            (Some(n), Some(r)) => Some(format!("{r}: {n}")),
            (a, b) => a.or(b),
        }
    };
    let afi = n.get("addressFamilyInfo");
    let families = [(Family::Ipv4, "ipv4Unicast"), (Family::Ipv6, "ipv6Unicast")]
        .into_iter()
        .filter_map(|(family, key)| {
            let f = afi?.get(key)?;
            Some(BgpFamilyCounts {
                family,
                imported: f.get("acceptedPrefixCounter").and_then(Value::as_u64),
                exported: f.get("sentPrefixCounter").and_then(Value::as_u64),
            })
        })
        .collect();
    DaemonAnswer::Session(BgpSessionState {
        state,
        since: None,
        for_seconds,
        last_error,
        families,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(a: DaemonAnswer) -> BgpSessionState {
        match a {
            DaemonAnswer::Session(s) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bird_iso_time_and_filtered_counts() {
        let text = "BIRD 2.0.12 ready.\n\
            Name       Proto      Table      State  Since         Info\n\
            p1         BGP        ---        start  2026-11-30 03:33:48  Active        Socket: Connection refused\n\
            \x20 BGP state:          Active\n\
            \x20   Last error:       Socket: Connection refused\n\
            \x20 Channel ipv4\n\
            \x20   Routes:         2 imported, 1 filtered, 3 exported, 2 preferred\n";
        let s = session(bird_protocol("p1", text));
        assert_eq!(s.state, "Active");
        assert_eq!(s.since.as_deref(), Some("2026-11-30 03:33:48"));
        assert_eq!(s.last_error.as_deref(), Some("Socket: Connection refused"));
        assert_eq!(s.families[0].imported, Some(2));
        assert_eq!(s.families[0].exported, Some(3));
    }

    #[test]
    fn bird_other_protocols_and_garbage_are_no_session() {
        assert_eq!(
            bird_protocol("p1", "p1 Static master4 up 03:00:00.000\n"),
            DaemonAnswer::NoSuchSession
        );
        assert_eq!(bird_protocol("p1", ""), DaemonAnswer::NoSuchSession);
        // A name that is a prefix of another protocol's is not it.
        assert_eq!(
            bird_protocol("p1", "p1_v4 BGP --- up 03:00:00.000 Established\n"),
            DaemonAnswer::NoSuchSession
        );
    }

    #[test]
    fn bird_without_detail_lines_takes_the_state_from_the_row() {
        let s = session(bird_protocol(
            "p1",
            "p1 BGP --- up 03:00:00.000 Established\n",
        ));
        assert_eq!(s.state, "Established");
        assert!(s.families.is_empty());
    }

    #[test]
    fn frr_not_json_or_unexpected_json() {
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(
            frr_neighbor(a, "% Unknown command: show bgp"),
            DaemonAnswer::NotRunning
        );
        assert_eq!(
            frr_neighbor(a, "% No BGP process is configured"),
            DaemonAnswer::NoSuchSession
        );
        assert_eq!(frr_neighbor(a, "{}"), DaemonAnswer::NoSuchSession);
        assert_eq!(frr_neighbor(a, "[1]"), DaemonAnswer::NotRunning);
        let s = session(frr_neighbor(a, r#"{"192.0.2.1":{"bgpState":"Idle"}}"#));
        assert_eq!(s.state, "Idle");
        assert_eq!(s.for_seconds, None);
    }
}
