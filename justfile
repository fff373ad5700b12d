# Everyday recipes. `just ci` is exactly what CI runs.

alias t := test

# Run the test suite.
test:
    cargo test --workspace

# Review new or changed snapshots.
review:
    cargo insta test --workspace --review

# Format, lint, and no unused dependency (needs `cargo install cargo-machete`).
lint:
    cargo fmt --all -- --check
    cargo clippy --all-targets -- -D warnings
    cargo machete

# Fail on stale, missing or unreferenced snapshots.
snapshots:
    cargo insta test --workspace --check --unreferenced=reject

# Fuzz parse → validate → render with the format oracles (nightly; seconds, default 180).
fuzz seconds="180":
    bash fuzz/run.sh {{seconds}}

# Prove rendered files on real systems (root; downloads a kernel and qemu once).
e2e tier="all":
    bash e2e/run.sh {{tier}}

# Performance benchmark: 2,000 and 10,000 synthetic peers against netplan's generator and
# `cp -r`/`cat` of the same trees, one peer, render CPU (needs hyperfine, GNU time,
# netplan.io); results in bench/out/results.md.
bench:
    bash bench/run.sh

# Render the bundled example.
example:
    cargo run --release -- render --backend networkd fixtures/valid/wireguard-bgp.toml

# What CI runs.
ci:
    CI=true bash .ci/run
