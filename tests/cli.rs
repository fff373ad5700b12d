//! The command line as users meet it: exit codes, where output goes, file modes, and that
//! invalid input changes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] may panic

mod common;

use std::os::unix::fs::PermissionsExt as _;

use common::{peergen, temp_dir};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_accepts_every_valid_fixture() {
    let mut args = vec!["check".to_owned()];
    for entry in std::fs::read_dir(common::root().join("fixtures/valid")).unwrap() {
        args.push(format!(
            "fixtures/valid/{}",
            entry.unwrap().file_name().to_string_lossy()
        ));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = peergen(&args, None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn check_exits_65_and_reports_every_invalid_file() {
    let out = peergen(
        &[
            "check",
            "fixtures/valid/gre-dualstack.toml",
            "fixtures/invalid/ip6gre-ipv4-endpoints.toml",
            "fixtures/invalid/name-too-long.toml",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(65));
    let err = text(&out.stderr);
    assert!(
        err.contains("fixtures/invalid/ip6gre-ipv4-endpoints.toml:"),
        "{err}"
    );
    assert!(
        err.contains("fixtures/invalid/name-too-long.toml:"),
        "{err}"
    );
}

#[test]
fn unreadable_input_exits_66_and_usage_errors_exit_2() {
    assert_eq!(
        peergen(&["check", "does/not/exist.toml"], None)
            .status
            .code(),
        Some(66)
    );
    assert_eq!(
        peergen(&["render", "fixtures/valid/gre-dualstack.toml"], None)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        peergen(&["render", "-b", "nope", "x.toml"], None)
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn render_writes_files_with_their_modes() {
    let dir = temp_dir("render-out");
    let out = peergen(
        &[
            "render",
            "--backend",
            "networkd,netplan,ip,wg-quick",
            "--out",
            dir.to_str().unwrap(),
            "fixtures/valid/wireguard-bgp.toml",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mode = |p: &str| std::fs::metadata(dir.join(p)).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode("wireguard/wg-as64512.conf"), 0o600);
    assert_eq!(mode("systemd/network/10-wg-as64512.netdev"), 0o644);
    assert_eq!(mode("systemd/network/10-wg-as64512.network"), 0o644);
    assert_eq!(mode("netplan/10-wg-as64512.yaml"), 0o600);
    assert_eq!(mode("wg-as64512.up.sh"), 0o755);
    assert_eq!(mode("wg-as64512.down.sh"), 0o755);
}

#[test]
fn one_invalid_peer_means_nothing_is_written() {
    let dir = temp_dir("render-nothing");
    let out = peergen(
        &[
            "render",
            "-b",
            "networkd",
            "--out",
            dir.to_str().unwrap(),
            "fixtures/valid/gre-dualstack.toml",
            "fixtures/invalid/ip6gre-ipv4-endpoints.toml",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(65));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn a_backend_refusing_one_peer_means_nothing_is_written() {
    let dir = temp_dir("render-refused");
    let out = peergen(
        &[
            "render",
            "-b",
            "wg-quick",
            "--out",
            dir.to_str().unwrap(),
            "fixtures/valid/wireguard-bgp.toml",
            "fixtures/valid/gre-dualstack.toml",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(65));
    let err = text(&out.stderr);
    assert!(err.contains("wg-quick configures WireGuard only"), "{err}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn check_reports_drift_with_a_diff_and_mode_mismatches() {
    let dir = temp_dir("render-check");
    let d = dir.to_str().unwrap();
    let peer = "fixtures/valid/gre-dualstack.toml";
    assert!(peergen(&["render", "-b", "networkd", "-o", d, peer], None)
        .status
        .success());
    let clean = peergen(
        &["render", "-b", "networkd", "-o", d, "--check", peer],
        None,
    );
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean.stdout));

    let netdev = dir.join("systemd/network/10-gre-as64520.netdev");
    let edited = std::fs::read_to_string(&netdev)
        .unwrap()
        .replace("TTL=255", "TTL=64");
    std::fs::write(&netdev, edited).unwrap();
    let drift = peergen(
        &["render", "-b", "networkd", "-o", d, "--check", peer],
        None,
    );
    assert_eq!(drift.status.code(), Some(1));
    let diff = text(&drift.stdout);
    assert!(diff.contains("-TTL=64\n+TTL=255\n"), "{diff}");

    assert!(peergen(&["render", "-b", "networkd", "-o", d, peer], None)
        .status
        .success());
    // A git checkout keeps only the executable bit: 0600 vs 0644 is not drift...
    std::fs::set_permissions(&netdev, std::fs::Permissions::from_mode(0o600)).unwrap();
    let same = peergen(
        &["render", "-b", "networkd", "-o", d, "--check", peer],
        None,
    );
    assert_eq!(same.status.code(), Some(0), "{}", text(&same.stdout));
    // ...but a lost (or added) executable bit is.
    assert!(peergen(&["render", "-b", "ip", "-o", d, peer], None)
        .status
        .success());
    let script = dir.join("gre-as64520.up.sh");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mode = peergen(&["render", "-b", "ip", "-o", d, "--check", peer], None);
    assert_eq!(mode.status.code(), Some(1));
    assert!(
        text(&mode.stdout).contains("is 0644, should be executable (0755)"),
        "{}",
        text(&mode.stdout)
    );
    let manifest = std::fs::read_to_string(dir.join(".peergen-manifest")).unwrap();
    assert!(
        manifest
            .contains("0755\tlocal\tip\tfixtures/valid/gre-dualstack.toml\tgre-as64520.up.sh\n"),
        "{manifest}"
    );
}

#[test]
fn stdout_output_has_a_header_line_per_file() {
    let out = peergen(
        &["render", "-b", "networkd", "fixtures/valid/sit-6in4.toml"],
        None,
    );
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("==> systemd/network/10-sit-as64530.netdev (mode 0644) <==\n"));
    assert!(stdout.contains("\n==> systemd/network/10-sit-as64530.network (mode 0644) <==\n"));
}

#[test]
fn private_keys_never_reach_output_unless_inline_was_asked_for() {
    for fixture in ["wireguard-bgp", "wireguard-ipv6-psk", "wireguard-p2p"] {
        for backend in ["wg-quick", "networkd", "netplan", "ip"] {
            let path = format!("fixtures/valid/{fixture}.toml");
            let out = text(&peergen(&["render", "-b", backend, &path], None).stdout);
            assert!(!out.contains("PrivateKey ="), "{fixture} {backend}");
            assert!(!out.contains("PrivateKey="), "{fixture} {backend}");
        }
    }
}

#[test]
fn templates_dir_overrides_single_files_and_keeps_escaping() {
    let dir = temp_dir("templates-override");
    std::fs::create_dir_all(dir.join("networkd")).unwrap();
    std::fs::write(
        dir.join("networkd/tunnel.network.j2"),
        "[Match]\nName={{ name }}\n\n[Network]\n{% for a in addresses %}Address={{ a }}\n{% endfor %}ConfigureWithoutCarrier=yes\n",
    )
    .unwrap();
    // A user template that prints a value into a shell script still gets it quoted.
    std::fs::create_dir_all(dir.join("ip")).unwrap();
    std::fs::write(
        dir.join("ip/down.sh.j2"),
        "#!/bin/sh\necho {{ header[2] }}\n",
    )
    .unwrap();
    let templates = dir.to_str().unwrap();
    let out = peergen(
        &[
            "render",
            "-b",
            "networkd,ip",
            "--templates",
            templates,
            "fixtures/valid/gre-dualstack.toml",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("ConfigureWithoutCarrier=yes\n"),
        "override used:\n{stdout}"
    );
    assert!(
        stdout.contains("Independent=yes"),
        "built-in netdev kept:\n{stdout}"
    );
    assert!(
        stdout.contains("echo 'gre tunnel gre-as64520: AS64520 GRE peering'\n"),
        "shell-quoted:\n{stdout}"
    );
    let missing = peergen(
        &[
            "render",
            "-b",
            "ip",
            "--templates",
            "no/such/dir",
            "fixtures/valid/gre-dualstack.toml",
        ],
        None,
    );
    assert_eq!(missing.status.code(), Some(66));
}

#[test]
fn diagnostics_are_coloured_only_for_terminals_and_never_with_no_color() {
    let run = |env: &[(&str, &str)]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_peergen"));
        cmd.args(["check", "fixtures/invalid/ip6gre-ipv4-endpoints.toml"])
            .current_dir(common::root())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE");
        for (k, v) in env {
            cmd.env(k, v);
        }
        text(&cmd.output().unwrap().stderr)
    };
    assert!(!run(&[]).contains('\x1b'), "plain when piped");
    assert!(run(&[("CLICOLOR_FORCE", "1")]).starts_with("\x1b[1m\x1b[31merror"));
    assert!(!run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains('\x1b'));
}

/// A generated file with 60,000 mistakes prints a bounded report: the first diagnostics
/// (each with a short excerpt, even from one enormous line) and a count of the rest. The
/// bound is on bytes, so the test says nothing about speed, only that the output cannot
/// grow with the number of errors or the length of a line.
#[test]
fn sixty_thousand_errors_print_a_bounded_report() {
    const ERRORS: usize = 60_000;
    let dir = temp_dir("cli-many-errors");
    // One unknown key per line.
    let mut many_lines = String::from("name = \"gre-as64520\"\nkind = \"gre\"\n");
    for i in 0..ERRORS {
        many_lines.push_str(&format!("unknown-{i} = {i}\n"));
    }
    many_lines.push_str(
        "[local]\naddresses = [\"172.31.20.1/30\"]\n[remote]\naddresses = [\"172.31.20.2/30\"]\n",
    );
    // Every error on one line of about 300 kB.
    let items = vec!["1"; ERRORS].join(", ");
    let one_line = format!(
        "name = \"gre-as64520\"\nkind = \"gre\"\n[local]\naddresses = [{items}]\n[remote]\naddresses = [\"172.31.20.2/30\"]\n"
    );
    for (name, contents) in [("many-lines.toml", many_lines), ("one-line.toml", one_line)] {
        let path = dir.join(name);
        std::fs::write(&path, &contents).unwrap();
        let out = peergen(&["check", path.to_str().unwrap()], None);
        assert_eq!(out.status.code(), Some(65), "{name}");
        let err = text(&out.stderr);
        let shown = err.matches("error[").count();
        assert_eq!(shown, 50, "{name}: {shown} diagnostics shown");
        assert!(
            err.len() < 50 * 600,
            "{name}: {} bytes of diagnostics",
            err.len()
        );
        assert!(
            err.contains(&format!("… and {} more errors in ", ERRORS - 50)),
            "{name}: {}",
            &err[err.len().saturating_sub(300)..]
        );
    }
}

/// `schema` takes the kind of file, not a file: a wrong value names the choices.
#[test]
fn schema_names_its_argument_by_its_values() {
    let out = peergen(&["schema", "foo"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("invalid value 'foo' for '[peer|site]'"),
        "{err}"
    );
    assert!(!err.contains("FILE"), "{err}");
}

/// Colour is added around the parts of a diagnostic and changes nothing else: without the
/// escape sequences, coloured output is the plain output.
#[test]
fn coloured_diagnostics_are_the_plain_text_with_styles_around_parts() {
    let run = |colour: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_peergen"));
        cmd.args(["check", "fixtures/invalid/several-unknown-keys.toml"])
            .current_dir(common::root())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE");
        if colour {
            cmd.env("CLICOLOR_FORCE", "1");
        }
        text(&cmd.output().unwrap().stderr)
    };
    let plain = run(false);
    let coloured = run(true);
    let mut stripped = String::new();
    let mut rest = coloured.as_str();
    while let Some(at) = rest.find('\x1b') {
        stripped.push_str(&rest[..at]);
        let end = rest[at..].find('m').map_or(rest.len(), |m| at + m + 1);
        rest = &rest[end..];
    }
    stripped.push_str(rest);
    assert_eq!(stripped, plain);
    assert!(coloured.contains("\x1b[31m^^^^^^^^^^"), "{coloured}");
    assert!(coloured.contains("\x1b[36mhelp:"), "{coloured}");
}
