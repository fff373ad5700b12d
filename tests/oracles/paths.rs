//! Oracle on install paths: relative, only normal components, inside the backend's folder,
//! named after the interface.

use camino::{Utf8Component, Utf8Path};
use peergen_core::Backend;

use super::Violation;

/// The folder a backend's files go to (`""` for the top level) and the endings its file
/// names may have.
fn layout(backend: Backend) -> (&'static str, &'static [&'static str]) {
    match backend {
        Backend::WgQuick => ("wireguard", &[".conf"]),
        Backend::Networkd => ("systemd/network", &[".netdev", ".network"]),
        Backend::Netplan => ("netplan", &[".yaml"]),
        Backend::Ip => ("", &[".up.sh", ".down.sh"]),
        Backend::Bird => ("bird/peers", &[".conf"]),
        Backend::Frr => ("frr/peers", &[".conf"]),
    }
}

/// Checks one install path of a file rendered for interface `name`.
pub fn check(backend: Backend, name: &str, path: &Utf8Path, out: &mut Vec<Violation>) {
    let mut fail = |what: &str| {
        out.push(Violation::new("path", path.as_str(), 0, what.to_owned()));
    };
    if path.as_str().chars().any(super::text::is_forbidden) {
        fail("the path holds a control character");
    }
    if path.is_absolute()
        || path
            .components()
            .any(|c| !matches!(c, Utf8Component::Normal(_)))
    {
        fail("the path is not relative with only normal components");
        return;
    }
    let (folder, endings) = layout(backend);
    let Some(file_name) = path.file_name() else {
        fail("the path has no file name");
        return;
    };
    let parent = path.parent().map_or("", Utf8Path::as_str);
    if parent != folder {
        fail(&format!("the file is not directly in {folder:?}"));
    }
    if file_name.contains('/') || file_name == "." || file_name == ".." {
        fail("the file name is not a single normal component");
    }
    if !endings.iter().any(|e| file_name.ends_with(e)) || !file_name.contains(name) {
        fail(&format!(
            "the file name is not the interface name {name:?} with one of {endings:?}"
        ));
    }
}
