//! Prints the peer file a fuzz input stands for, then the oracles' findings on stderr:
//! `cargo run --bin peer-file -- ARTIFACT > ../fuzz/regressions/NAME.toml`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: peer-file FUZZ-INPUT");
        return ExitCode::from(2);
    };
    let data = match std::fs::read(&path) {
        Ok(data) => data,
        Err(err) => {
            eprintln!("{path}: {err}");
            return ExitCode::from(66);
        }
    };
    let (text, violations) = peergen_fuzz::run(&data);
    print!("{text}");
    for v in &violations {
        eprintln!("{v}");
    }
    if violations.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
