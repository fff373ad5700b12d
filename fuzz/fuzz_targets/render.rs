//! Fuzz target: every input becomes a peer file that goes through parse → validate →
//! render for every backend and both sides; any oracle violation (or panic) is a finding.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, violations) = peergen_fuzz::run(data);
    if !violations.is_empty() {
        let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
        panic!(
            "oracle violations:\n{}\n--- peer file ---\n{text}--- end ---",
            list.join("\n")
        );
    }
});
