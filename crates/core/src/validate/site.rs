//! Validation of the site file (`peergen.toml`).

use std::net::IpAddr;

use toml::Spanned;

use super::wireguard::absolute_path;
use super::{toml_error, Checker, Invalid};
use crate::backend::Backend;
use crate::diagnostic::DiagnosticKind;
use crate::limits;
use crate::raw::Text;
use crate::select::{Glob, PeerSelection};
use crate::side::Side;
use crate::site::{Defaults, RawSite, RawSitePeers, RenderSettings, Site};
use crate::source::SourceFile;

/// Our endpoint of one family: a unicast address of that family.
fn endpoint(ck: &mut Checker, text: &Text, ipv4: bool) -> Option<IpAddr> {
    let (family, field, example) = if ipv4 {
        ("IPv4", "local.endpoint-ipv4", "198.51.100.10")
    } else {
        ("IPv6", "local.endpoint-ipv6", "2001:db8:100::10")
    };
    match text.get_ref().parse::<IpAddr>() {
        Ok(ip) if ip.is_ipv4() == ipv4 && !ip.is_unspecified() && !ip.is_multicast() => Some(ip),
        _ => {
            ck.error(
                DiagnosticKind::InvalidEndpoint,
                field,
                text.span(),
                format!("{:?} is not a unicast {family} address", text.get_ref()),
                format!("give this host's {family} underlay address, e.g. \"{example}\""),
            );
            None
        }
    }
}

/// Parses and validates a site file.
pub fn validate_site(source: &SourceFile) -> Result<Site, Invalid> {
    let raw: RawSite = toml_error::parse(source.text(), toml_error::FileShape::site)
        .map_err(|diagnostics| Invalid { diagnostics })?;
    let mut ck = Checker::default();
    let mut defaults = Defaults {
        underlay_mtu: raw.underlay_mtu.as_ref().and_then(|v| {
            ck.int_in("underlay-mtu", v, limits::UNDERLAY_MTU, "an underlay MTU")
                .and_then(|v| u32::try_from(v).ok())
        }),
        ..Defaults::default()
    };
    if let Some(local) = raw.local.as_ref().map(|l| l.get_ref()) {
        let v4 = local.endpoint_ipv4.as_ref();
        let v6 = local.endpoint_ipv6.as_ref();
        defaults.endpoint_ipv4 =
            v4.and_then(|t| endpoint(&mut ck, t, true))
                .and_then(|ip| match ip {
                    IpAddr::V4(ip) => Some(ip),
                    IpAddr::V6(_) => None,
                });
        defaults.endpoint_ipv6 =
            v6.and_then(|t| endpoint(&mut ck, t, false))
                .and_then(|ip| match ip {
                    IpAddr::V6(ip) => Some(ip),
                    IpAddr::V4(_) => None,
                });
        defaults.asn = local
            .asn
            .as_ref()
            .and_then(|a| super::bgp::asn::asn(&mut ck, "local.asn", a));
        defaults.local_key_directory = local
            .key_directory
            .as_ref()
            .and_then(|p| absolute_path(&mut ck, "local.key-directory", p));
    }
    if let Some(remote) = raw.remote.as_ref().map(|r| r.get_ref()) {
        defaults.remote_key_directory = remote
            .key_directory
            .as_ref()
            .and_then(|p| absolute_path(&mut ck, "remote.key-directory", p));
    }
    let mut render = RenderSettings::default();
    if let Some(r) = raw.render.as_ref().map(|r| r.get_ref()) {
        if let Some(list) = &r.backends {
            for (i, item) in list.get_ref().iter().enumerate() {
                let name = item.get_ref();
                match name.parse::<Backend>() {
                    Ok(backend) if render.backends.contains(&backend) => {}
                    Ok(backend) => render.backends.push(backend),
                    Err(_) => {
                        ck.error(
                            DiagnosticKind::UnknownKind,
                            format!("render.backends[{i}]"),
                            item.span(),
                            format!("{name:?} is not a backend"),
                            format!("use one of: {}", Backend::names().join(", ")),
                        );
                    }
                }
            }
        }
        if let Some(side) = &r.side {
            match side.get_ref().parse::<Side>() {
                Ok(s) => render.side = Some(s),
                Err(message) => ck.error(
                    DiagnosticKind::UnknownKind,
                    "render.side",
                    side.span(),
                    message,
                    "use \"local\" or \"remote\"",
                ),
            }
        }
        if let Some(out) = &r.out {
            if ck.printable("render.out", out) {
                render.out = Some(out.get_ref().into());
            }
        }
        if let Some(prefix) = &r.file_prefix {
            let p = prefix.get_ref();
            if p.chars().count() <= limits::FILE_PREFIX_MAX_CHARS
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                render.file_prefix = Some(p.clone());
            } else {
                ck.error(
                    DiagnosticKind::InvalidPath,
                    "render.file-prefix",
                    prefix.span(),
                    format!("{p:?} cannot start a file name"),
                    format!(
                        "use up to {} letters, digits, '-' or '_', e.g. {:?}",
                        limits::FILE_PREFIX_MAX_CHARS,
                        limits::DEFAULT_FILE_PREFIX
                    ),
                );
            }
        }
    }
    let peers = raw
        .peers
        .as_ref()
        .map(|p| peer_selection(&mut ck, p.get_ref()))
        .unwrap_or_default();
    if ck.has_errors() {
        return Err(Invalid {
            diagnostics: ck.into_diagnostics(),
        });
    }
    Ok(Site {
        path: Some(source.path().to_owned()),
        defaults,
        render,
        peers,
    })
}

/// `[peers] include` and `exclude`: every pattern must parse.
fn peer_selection(ck: &mut Checker, raw: &RawSitePeers) -> PeerSelection {
    let mut globs = |key: &str, list: Option<&Spanned<Vec<Text>>>| -> Vec<Glob> {
        let mut out = Vec::new();
        for (i, item) in list.map(Spanned::get_ref).into_iter().flatten().enumerate() {
            match Glob::new(item.get_ref()) {
                Ok(glob) => out.push(glob),
                Err(reason) => ck.error(
                    DiagnosticKind::InvalidPath,
                    format!("peers.{key}[{i}]"),
                    item.span(),
                    format!("{:?} is not a valid pattern: {reason}", item.get_ref()),
                    "write a path relative to the site file's folder with * (any characters in a name), ? (one character) and ** (any folders), e.g. \"peers/**/*.toml\" or \"Cargo.toml\"",
                ),
            }
        }
        out
    };
    PeerSelection {
        include: globs("include", raw.include.as_ref()),
        exclude: globs("exclude", raw.exclude.as_ref()),
    }
}

#[cfg(test)]
mod tests {
    use super::validate_site;
    use crate::SourceFile;

    #[test]
    fn key_directories_refuse_hash_and_invisible_characters() {
        for (table, dir) in [
            ("local", "/etc/wire#guard"),
            ("remote", "/etc/wire#guard"),
            ("local", "/etc/\\u2066wireguard"),
            ("remote", "/etc/wireguard\\u2029"),
        ] {
            let text = format!("[{table}]\nkey-directory = \"{dir}\"\n");
            let invalid = validate_site(&SourceFile::new("peergen.toml", text)).expect_err(dir);
            let fields: Vec<_> = invalid
                .diagnostics
                .iter()
                .map(|d| d.field.clone().unwrap_or_default())
                .collect();
            assert_eq!(fields, [format!("{table}.key-directory")], "{dir}");
        }
    }
}
