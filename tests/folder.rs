//! A hostile or damaged output folder, and the inputs around it: symlinks, FIFOs and
//! devices below `--out`, forged manifest lines, mixed sides, concurrent runs, leftovers
//! of killed runs, a permissive umask, and command-line edge cases (an emptied peer
//! folder, the same file twice, `-` for stdout, a misnamed template, endless stdin).

#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] may panic

mod support;

use std::io::Write as _;
use std::os::unix::fs::{symlink, PermissionsExt as _};
use std::path::Path;
use std::process::Stdio;

use support::{run, show, temp_dir, write_peers};

fn manifest_paths(out: &Path) -> Vec<String> {
    std::fs::read_to_string(out.join(".peergen-manifest"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.rsplit('\t').next().unwrap().to_owned())
        .collect()
}

/// A folder with peers 0 and 1 rendered with networkd into `out`.
fn rendered(name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    write_peers(&dir.join("peers"), 0..2, 0);
    let out = run(&dir, &["render", "-b", "networkd", "-o", "out", "peers"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    dir
}

#[test]
fn the_other_side_is_not_rendered_over_ours() {
    let dir = temp_dir("folder-sides");
    let repo = common_repo(&dir);
    let ours = run(&repo, &["render", "-o", "out", "peers"]);
    assert_eq!(ours.status.code(), Some(0), "{}", show(&ours));
    let conf = repo.join("out/wireguard/wg-as64512.conf");
    let before = std::fs::read_to_string(&conf).unwrap();

    let theirs = run(
        &repo,
        &[
            "render",
            "--side",
            "remote",
            "-o",
            "out",
            "peers/as64512.toml",
        ],
    );
    assert_eq!(theirs.status.code(), Some(2), "{}", show(&theirs));
    let err = String::from_utf8_lossy(&theirs.stderr);
    assert!(err.contains("rendered for the local side"), "{err}");
    assert!(err.contains("--replace-side"), "{err}");
    assert_eq!(std::fs::read_to_string(&conf).unwrap(), before, "ours kept");
    let check = run(
        &repo,
        &[
            "render", "--side", "remote", "-o", "out", "--check", "peers",
        ],
    );
    assert_eq!(check.status.code(), Some(2), "{}", show(&check));

    // Their side goes into its own folder, recorded as theirs.
    let apart = run(
        &repo,
        &[
            "render",
            "--side",
            "remote",
            "-o",
            "theirs",
            "peers/as64512.toml",
        ],
    );
    assert_eq!(apart.status.code(), Some(0), "{}", show(&apart));
    let manifest = std::fs::read_to_string(repo.join("theirs/.peergen-manifest")).unwrap();
    assert!(manifest.contains("\tremote\twg-quick\t"), "{manifest}");

    // The explicit choice turns the folder into theirs; --prune removes the rest of ours.
    let replaced = run(
        &repo,
        &[
            "render",
            "--side",
            "remote",
            "--replace-side",
            "--prune",
            "-o",
            "out",
            "peers",
        ],
    );
    assert_eq!(replaced.status.code(), Some(0), "{}", show(&replaced));
    let manifest = std::fs::read_to_string(repo.join("out/.peergen-manifest")).unwrap();
    assert!(!manifest.contains("\tlocal\t"), "{manifest}");
    let local_again = run(&repo, &["render", "-o", "out", "peers"]);
    assert_eq!(local_again.status.code(), Some(2), "{}", show(&local_again));
}

/// A copy of the example config repo (site file and peers) below `dir`.
fn common_repo(dir: &Path) -> std::path::PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/repo");
    let repo = dir.join("repo");
    std::fs::create_dir_all(repo.join("peers")).unwrap();
    std::fs::copy(src.join("peergen.toml"), repo.join("peergen.toml")).unwrap();
    for entry in std::fs::read_dir(src.join("peers")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), repo.join("peers").join(entry.file_name())).unwrap();
    }
    repo
}

#[test]
fn a_symlinked_subfolder_receives_nothing() {
    let dir = temp_dir("folder-symlinked-subfolder");
    write_peers(&dir.join("peers"), 0..1, 0);
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::create_dir_all(dir.join("out/systemd")).unwrap();
    symlink(&elsewhere, dir.join("out/systemd/network")).unwrap();
    let out = run(&dir, &["render", "-b", "networkd", "-o", "out", "peers"]);
    assert_eq!(out.status.code(), Some(73), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("never follows symlinks"),
        "{}",
        show(&out)
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

#[test]
fn a_symlinked_file_is_neither_followed_nor_replaced() {
    let dir = rendered("folder-symlinked-file");
    let target = dir.join("precious.txt");
    std::fs::write(&target, "precious\n").unwrap();
    let netdev = dir.join("out/systemd/network/10-t0.netdev");
    std::fs::remove_file(&netdev).unwrap();
    symlink(&target, &netdev).unwrap();
    let out = run(&dir, &["render", "-b", "networkd", "-o", "out", "peers"]);
    assert_eq!(out.status.code(), Some(73), "{}", show(&out));
    assert!(std::fs::symlink_metadata(&netdev)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
}

#[test]
fn check_never_prints_what_a_symlink_points_to() {
    let dir = rendered("folder-environ");
    let netdev = dir.join("out/systemd/network/10-t0.netdev");
    std::fs::remove_file(&netdev).unwrap();
    symlink("/proc/self/environ", &netdev).unwrap();
    let mut cmd = support::command(
        &dir,
        &["render", "-b", "networkd", "-o", "out", "--check", "peers"],
        "022",
    );
    cmd.env("PEERGEN_TEST_SECRET", "hunter2-secret-token");
    let out = support::wait(cmd.spawn().unwrap(), support::HANG, "check");
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let all = show(&out);
    assert!(!all.contains("hunter2-secret-token"), "{all}");
    assert!(all.contains("is a symlink, not a regular file"), "{all}");
}

#[test]
fn a_fifo_hangs_neither_render_nor_check() {
    let dir = rendered("folder-fifo");
    let netdev = dir.join("out/systemd/network/10-t0.netdev");
    std::fs::remove_file(&netdev).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&netdev)
        .status()
        .unwrap();
    assert!(made.success());
    let check = run(
        &dir,
        &["render", "-b", "networkd", "-o", "out", "--check", "peers"],
    );
    assert_eq!(check.status.code(), Some(1), "{}", show(&check));
    assert!(show(&check).contains("is a FIFO"), "{}", show(&check));
    let render = run(&dir, &["render", "-b", "networkd", "-o", "out", "peers"]);
    assert_eq!(render.status.code(), Some(73), "{}", show(&render));
    assert!(show(&render).contains("is a FIFO"), "{}", show(&render));
}

#[test]
fn a_link_to_dev_zero_is_not_read() {
    let dir = rendered("folder-dev-zero");
    let netdev = dir.join("out/systemd/network/10-t0.netdev");
    std::fs::remove_file(&netdev).unwrap();
    symlink("/dev/zero", &netdev).unwrap();
    let check = run(
        &dir,
        &["render", "-b", "networkd", "-o", "out", "--check", "peers"],
    );
    assert_eq!(check.status.code(), Some(1), "{}", show(&check));
    let render = run(&dir, &["render", "-b", "networkd", "-o", "out", "peers"]);
    assert_eq!(render.status.code(), Some(73), "{}", show(&render));
    // The manifest itself as a link: refused, not read.
    std::fs::remove_file(&netdev).unwrap();
    std::fs::remove_file(dir.join("out/.peergen-manifest")).unwrap();
    symlink("/dev/zero", dir.join("out/.peergen-manifest")).unwrap();
    let manifest = run(&dir, &["render", "-b", "networkd", "-o", "out", "peers"]);
    assert_eq!(manifest.status.code(), Some(65), "{}", show(&manifest));
}

#[test]
fn prune_never_deletes_through_a_symlinked_folder() {
    let dir = rendered("folder-prune-symlink");
    let network = dir.join("out/systemd/network");
    let elsewhere = dir.join("elsewhere");
    std::fs::rename(&network, &elsewhere).unwrap();
    symlink(&elsewhere, &network).unwrap();
    std::fs::remove_file(dir.join("peers/p00001.toml")).unwrap();
    let out = run(
        &dir,
        &["render", "-b", "networkd", "-o", "out", "--prune", "peers"],
    );
    assert_ne!(out.status.code(), Some(0), "{}", show(&out));
    assert!(elsewhere.join("10-t1.netdev").is_file(), "{}", show(&out));
    assert!(elsewhere.join("10-t1.network").is_file());
}

#[test]
fn a_peer_file_name_cannot_forge_manifest_lines() {
    let dir = temp_dir("folder-injection");
    let peers = dir.join("peers");
    write_peers(&peers, 0..1, 0);
    let forged = "a\n0644\tnetworkd\tgone.toml\timportant.txt\n#.toml";
    std::fs::write(peers.join(forged), support::peer(1, 0)).unwrap();
    std::fs::create_dir_all(dir.join("out")).unwrap();
    std::fs::write(dir.join("out/important.txt"), "keep me\n").unwrap();
    let first = run(&dir, &["render", "-b", "networkd", "-o", "out", "peers"]);
    assert_eq!(first.status.code(), Some(2), "{}", show(&first));
    assert!(
        show(&first).contains("control characters"),
        "{}",
        show(&first)
    );
    let prune = run(
        &dir,
        &["render", "-b", "networkd", "-o", "out", "--prune", "peers"],
    );
    assert_eq!(prune.status.code(), Some(2), "{}", show(&prune));
    assert!(dir.join("out/important.txt").is_file());
    // Other paths with control characters are refused too.
    for args in [
        &[
            "render",
            "-b",
            "networkd",
            "-o",
            "out\tx",
            "peers/p00000.toml",
        ][..],
        &[
            "render",
            "-b",
            "networkd",
            "--templates",
            "t\nx",
            "peers/p00000.toml",
        ],
        &[
            "render",
            "-b",
            "networkd",
            "--config",
            "s\u{1b}.toml",
            "peers/p00000.toml",
        ],
    ] {
        let out = run(&dir, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", show(&out));
    }
}

#[test]
fn a_duplicate_manifest_entry_prunes_cleanly() {
    let dir = rendered("folder-duplicate-entry");
    // A format-1 manifest (no side) that lists one file twice.
    let manifest =
        "# Files peergen wrote into this folder: mode, backend, peer file, path (tab-separated).\n\
        0644\tnetworkd\tpeers/p00000.toml\tsystemd/network/10-t0.netdev\n\
        0644\tnetworkd\tpeers/p00000.toml\tsystemd/network/10-t0.network\n\
        0644\tnetworkd\tpeers/p00001.toml\tsystemd/network/10-t1.netdev\n\
        0644\tnetworkd\tpeers/p00001.toml\tsystemd/network/10-t1.netdev\n\
        0644\tnetworkd\tpeers/p00001.toml\tsystemd/network/10-t1.network\n";
    std::fs::write(dir.join("out/.peergen-manifest"), manifest).unwrap();
    std::fs::remove_file(dir.join("peers/p00001.toml")).unwrap();
    let out = run(
        &dir,
        &["render", "-b", "networkd", "-o", "out", "--prune", "peers"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(!dir.join("out/systemd/network/10-t1.netdev").exists());
    assert_eq!(
        manifest_paths(&dir.join("out")),
        [
            "systemd/network/10-t0.netdev",
            "systemd/network/10-t0.network"
        ]
    );
    let check = run(
        &dir,
        &["render", "-b", "networkd", "-o", "out", "--check", "peers"],
    );
    assert_eq!(check.status.code(), Some(0), "{}", show(&check));
}

#[test]
fn concurrent_runs_into_one_folder_keep_every_entry() {
    let dir = temp_dir("folder-concurrent");
    let runs = 6;
    let per_run = 40;
    for r in 0..runs {
        write_peers(
            &dir.join(format!("peers{r}")),
            r * per_run..(r + 1) * per_run,
            0,
        );
    }
    for round in 0..3 {
        let _ = std::fs::remove_dir_all(dir.join("out"));
        let children: Vec<_> = (0..runs)
            .map(|r| {
                let peers = format!("peers{r}");
                support::command(
                    &dir,
                    &["render", "-b", "networkd", "-o", "out", &peers],
                    "022",
                )
                .spawn()
                .unwrap()
            })
            .collect();
        for child in children {
            let out = support::wait(child, support::HANG, "concurrent render");
            assert_eq!(out.status.code(), Some(0), "{}", show(&out));
        }
        assert_eq!(
            manifest_paths(&dir.join("out")).len(),
            runs * per_run * 2,
            "round {round}: every run's files are listed"
        );
    }
}

#[test]
fn leftovers_of_killed_runs_are_removed_and_never_block() {
    let dir = rendered("folder-leftovers");
    let network = dir.join("out/systemd/network");
    std::fs::write(network.join(".10-t0.netdev.peergen-4242.tmp"), "half").unwrap();
    // Temporary names a run with a nearby process id would have chosen before.
    let probe = std::process::Command::new("true").spawn().unwrap();
    let pid = probe.id();
    let mut probe = probe;
    probe.wait().unwrap();
    for p in pid..pid + 400 {
        for name in ["10-t0.netdev", "10-t1.network"] {
            std::fs::write(network.join(format!(".{name}.peergen-{p}.tmp")), "x").unwrap();
        }
    }
    std::fs::write(dir.join("peers/p00000.toml"), support::peer(0, 1)).unwrap();
    std::fs::write(dir.join("peers/p00001.toml"), support::peer(1, 1)).unwrap();
    let out = run(&dir, &["render", "-b", "networkd", "-o", "out", "peers"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let left: Vec<_> = std::fs::read_dir(&network)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn folders_get_explicit_modes_under_umask_000() {
    let dir = temp_dir("folder-umask");
    write_peers(&dir.join("peers"), 0..1, 0);
    let child = support::command(
        &dir,
        &["render", "-b", "networkd", "-o", "out/x", "peers"],
        "000",
    )
    .spawn()
    .unwrap();
    let out = support::wait(child, support::HANG, "render under umask 000");
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    for folder in ["out", "out/x", "out/x/systemd", "out/x/systemd/network"] {
        let mode = std::fs::metadata(dir.join(folder))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o755, "{folder}");
    }
    let file = dir.join("out/x/systemd/network/10-t0.netdev");
    assert_eq!(
        std::fs::metadata(file).unwrap().permissions().mode() & 0o777,
        0o644
    );
}

#[test]
fn an_emptied_peer_folder_prunes_everything() {
    let dir = rendered("folder-emptied");
    for i in 0..2 {
        std::fs::remove_file(dir.join(format!("peers/p{i:05}.toml"))).unwrap();
    }
    let out = run(
        &dir,
        &["render", "-b", "networkd", "-o", "out", "--prune", "peers"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(manifest_paths(&dir.join("out")).is_empty());
    assert_eq!(
        std::fs::read_dir(dir.join("out/systemd/network"))
            .unwrap()
            .count(),
        0
    );
}

#[test]
fn the_same_file_twice_is_one_peer() {
    let dir = temp_dir("folder-twice");
    write_peers(&dir.join("peers"), 0..2, 0);
    symlink("p00000.toml", dir.join("peers/alias.toml.link")).unwrap();
    for args in [
        &[
            "render",
            "-b",
            "networkd",
            "peers/p00000.toml",
            "peers/p00000.toml",
        ][..],
        &["render", "-b", "networkd", "peers", "peers/p00001.toml"],
        &[
            "render",
            "-b",
            "networkd",
            "peers/p00000.toml",
            "./peers/../peers/alias.toml.link",
        ],
    ] {
        let out = run(&dir, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", show(&out));
    }
}

#[test]
fn prune_without_an_output_folder_is_a_usage_error() {
    let dir = temp_dir("folder-prune-no-out");
    write_peers(&dir.join("peers"), 0..1, 0);
    for args in [
        &["render", "-b", "networkd", "--prune", "peers"][..],
        &["render", "-b", "networkd", "--prune", "-o", "-", "peers"],
    ] {
        let out = run(&dir, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", show(&out));
        assert!(out.stdout.is_empty(), "{}", show(&out));
    }
}

#[test]
fn a_misnamed_template_override_is_an_error() {
    let dir = temp_dir("folder-templates");
    write_peers(&dir.join("peers"), 0..1, 0);
    std::fs::create_dir_all(dir.join("templates/networkd")).unwrap();
    std::fs::write(dir.join("templates/networkd/tunnel.netdev"), "[NetDev]\n").unwrap();
    let out = run(
        &dir,
        &[
            "render",
            "-b",
            "networkd",
            "--templates",
            "templates",
            "peers",
        ],
    );
    assert_eq!(out.status.code(), Some(65), "{}", show(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("networkd/tunnel.netdev is not a template name"),
        "{err}"
    );
    assert!(err.contains("networkd/tunnel.netdev.j2"), "{err}");
}

#[test]
fn dash_means_stdout_for_every_out() {
    let dir = temp_dir("folder-dash");
    for args in [
        &["keygen", "--out", "-"][..],
        &["genpsk", "--out", "-"],
        &["init", "x", "--kind", "gre", "--out", "-"],
    ] {
        let out = run(&dir, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", show(&out));
        assert!(!out.stdout.is_empty(), "{args:?}");
        assert!(!dir.join("-").exists(), "{args:?} wrote a file named -");
    }
}

#[test]
fn pubkey_stops_reading_at_what_a_key_can_be() {
    let dir = temp_dir("folder-pubkey");
    let key = run(&dir, &["keygen"]);
    let key = String::from_utf8(key.stdout).unwrap();
    // Trailing characters fail at once, with stdin still open; endless whitespace stops
    // at the limit. Either way the writer is never waited for.
    for (first, endless) in [(format!("{}x", key.trim()), "x"), (key.clone(), " ")] {
        let mut child = support::command(&dir, &["pubkey"], "022")
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            if stdin.write_all(first.as_bytes()).is_err() {
                return;
            }
            let chunk = endless.repeat(1 << 16);
            while stdin.write_all(chunk.as_bytes()).is_ok() {}
        });
        let out = support::wait(child, support::HANG, "pubkey with endless stdin");
        assert_eq!(out.status.code(), Some(65), "{}", show(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("error: "), "{err}");
        writer.join().unwrap();
    }
}

#[test]
fn a_file_of_the_right_size_and_mode_but_other_bytes_is_rewritten() {
    // Up-to-date detection compares bytes, not only size and mode.
    let dir = rendered("folder-same-size");
    let netdev = dir.join("out/systemd/network/10-t0.netdev");
    let good = std::fs::read(&netdev).unwrap();
    let mut bad = good.clone();
    let last = bad.len() - 2;
    bad[last] = if bad[last] == b'x' { b'y' } else { b'x' };
    std::fs::write(&netdev, &bad).unwrap();
    std::fs::set_permissions(&netdev, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(&dir, &["render", "-b", "networkd", "-o", "out", "peers"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 written"),
        "{}",
        show(&out)
    );
    assert_eq!(std::fs::read(&netdev).unwrap(), good);
}

#[test]
fn a_file_with_the_right_bytes_but_another_mode_is_rewritten() {
    let dir = rendered("folder-same-bytes");
    let netdev = dir.join("out/systemd/network/10-t0.netdev");
    let mode = std::fs::metadata(&netdev).unwrap().permissions().mode() & 0o7777;
    std::fs::set_permissions(&netdev, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run(&dir, &["render", "-b", "networkd", "-o", "out", "peers"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 written"),
        "{}",
        show(&out)
    );
    let now = std::fs::metadata(&netdev).unwrap().permissions().mode() & 0o7777;
    assert_eq!(now, mode);
}

#[test]
fn a_peer_file_that_is_not_utf8_stops_the_run_with_its_name() {
    let dir = temp_dir("folder-not-utf8");
    write_peers(&dir.join("peers"), 0..3, 0);
    std::fs::write(dir.join("peers/p00001.toml"), b"name = \"\xff\"\n").unwrap();
    let out = run(&dir, &["render", "-b", "networkd", "-o", "out", "peers"]);
    assert_eq!(out.status.code(), Some(66), "{}", show(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("p00001.toml: cannot read peer file: stream did not contain valid UTF-8"),
        "{}",
        show(&out)
    );
    assert!(!dir.join("out").exists(), "{}", show(&out));
}
