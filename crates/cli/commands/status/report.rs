//! How `peergen status` shows its results: a verdict line per peer and a block per
//! finding for people, or one JSON document for monitoring (docs/status.md describes
//! both; the JSON field names are stable).

use peergen_core::status::bgp::BgpObservation;
use peergen_core::status::{Finding, Report, Verdict};
use peergen_core::SourceFile;
use serde_json::{json, Value};

/// The result for one peer.
pub struct PeerResult<'a> {
    /// The peer's name.
    pub name: &'a str,
    /// Its kind.
    pub kind: &'a str,
    /// Its file.
    pub source: &'a SourceFile,
    /// The comparison, or why the host could not be inspected.
    pub outcome: Result<Report, String>,
}

/// The JSON format version; raised only when a field changes meaning or goes away.
pub const FORMAT: u32 = 1;

fn location(source: &SourceFile, f: &Finding) -> Option<(String, usize, usize, bool)> {
    let at = f.at.as_ref()?;
    let lc = source.line_col(at.span.start);
    Some((source.path().to_string(), lc.line, lc.column, at.set))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The human-readable report.
pub fn text(results: &[PeerResult<'_>]) {
    for r in results {
        let report = match &r.outcome {
            Err(message) => {
                crate::outln!("ERROR {}: cannot inspect the host: {message}", r.name);
                continue;
            }
            Ok(report) => report,
        };
        let n = report.findings.len();
        let wg = report
            .wireguard
            .map(|w| {
                let age = w.handshake_age.map_or_else(
                    || "no handshake".to_owned(),
                    |a| format!("handshake {a} s ago"),
                );
                format!(" [{age}, received {} B, sent {} B]", w.rx_bytes, w.tx_bytes)
            })
            .unwrap_or_default();
        match report.verdict {
            Verdict::Ok => crate::outln!("ok   {}{wg}", r.name),
            Verdict::Diff => crate::outln!("DIFF {} ({n} finding{}){wg}", r.name, plural(n)),
            Verdict::Down => crate::outln!("DOWN {} ({n} finding{}){wg}", r.name, plural(n)),
        }
        for o in &report.bgp {
            if let Some(line) = bgp_line(o) {
                crate::outln!("  {line}");
            }
        }
        for f in &report.findings {
            crate::outln!(
                "  {}: expected {}; host has {}",
                f.check,
                f.expected,
                f.actual
            );
            if let Some((file, line, column, set)) = location(r.source, f) {
                let note = if set {
                    ""
                } else {
                    " (not in the file: computed or the default)"
                };
                crate::outln!("    at {file}:{line}:{column}{note}");
            }
            if let Some(fix) = &f.fix {
                crate::outln!("    fix: {fix}");
            }
        }
    }
}

/// One session in a line, when a daemon has it: state, since when, counts per family.
fn bgp_line(o: &BgpObservation) -> Option<String> {
    let (daemon, s) = (o.daemon?, o.state.as_ref()?);
    let mut line = format!(
        "bgp {} to {} is {} in {daemon}",
        o.name, o.neighbor, s.state
    );
    if let Some(since) = &s.since {
        line.push_str(&format!(" since {since}"));
    }
    if let Some(secs) = s.for_seconds {
        line.push_str(&format!(" for {secs} s"));
    }
    let count = |n: Option<u64>| n.map_or_else(|| "?".to_owned(), |n| n.to_string());
    for c in &s.families {
        line.push_str(&format!(
            "; {} imported {}, exported {}",
            c.family,
            count(c.imported),
            count(c.exported)
        ));
    }
    Some(line)
}

fn bgp_json(o: &BgpObservation) -> Value {
    let s = o.state.as_ref();
    json!({
        "session": o.name,
        "neighbor": o.neighbor.to_string(),
        "daemon": o.daemon.map(|d| d.as_str()),
        "state": s.map(|s| s.state.as_str()),
        "since": s.and_then(|s| s.since.as_deref()),
        "for_seconds": s.and_then(|s| s.for_seconds),
        "last_error": s.and_then(|s| s.last_error.as_deref()),
        "families": s.map_or_else(Vec::new, |s| s.families.iter().map(|c| json!({
            "family": c.family.as_str(),
            "imported": c.imported,
            "exported": c.exported,
        })).collect()),
    })
}

fn finding(source: &SourceFile, f: &Finding) -> Value {
    json!({
        "check": f.check.as_str(),
        "section": f.check.section().as_str(),
        "down": f.down,
        "expected": f.expected,
        "actual": f.actual,
        "location": location(source, f).map(|(file, line, column, set)| json!({
            "file": file,
            "line": line,
            "column": column,
            "set": set,
        })),
        "fix": f.fix,
    })
}

/// The JSON report, one document.
pub fn json(results: &[PeerResult<'_>], side: &str, exit: u8) {
    let mut counts = [0usize; 4];
    let peers: Vec<Value> = results
        .iter()
        .map(|r| {
            let (verdict, findings, wireguard, bgp, error) = match &r.outcome {
                Ok(report) => (
                    report.verdict.as_str(),
                    report
                        .findings
                        .iter()
                        .map(|f| finding(r.source, f))
                        .collect(),
                    report.wireguard.map(|w| {
                        json!({
                            "latest_handshake_age": w.handshake_age,
                            "rx_bytes": w.rx_bytes,
                            "tx_bytes": w.tx_bytes,
                        })
                    }),
                    report.bgp.iter().map(bgp_json).collect::<Vec<_>>(),
                    None,
                ),
                Err(message) => ("error", Vec::new(), None, Vec::new(), Some(message.clone())),
            };
            counts[match verdict {
                "ok" => 0,
                "diff" => 1,
                "down" => 2,
                _ => 3,
            }] += 1;
            json!({
                "name": r.name,
                "kind": r.kind,
                "file": r.source.path().as_str(),
                "verdict": verdict,
                "error": error,
                "findings": findings,
                "wireguard": wireguard,
                "bgp": bgp,
            })
        })
        .collect();
    let doc = json!({
        "format": FORMAT,
        "side": side,
        "exit": exit,
        "summary": {
            "peers": results.len(),
            "ok": counts[0],
            "diff": counts[1],
            "down": counts[2],
            "error": counts[3],
        },
        "peers": peers,
    });
    crate::outln!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
}
