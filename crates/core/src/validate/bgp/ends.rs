//! What `[local]` and `[remote]` say about BGP: the AS number, the prefixes the end
//! announces, the limits on them, named daemon policies and `passive`.

use ipnet::IpNet;
use toml::Spanned;

use super::super::Checker;
use super::sessions::family_name;
use crate::bgp::{Announce, Asn, Family, NamedPolicy};
use crate::diagnostic::DiagnosticKind;
use crate::limits::{self, BGP_MAX_PREFIX, BGP_POLICY_NAME_MAX_CHARS, DEFAULT_BGP_MAX_PREFIX};
use crate::raw::{Int, RawAnnounce, RawEnd, Text};
use crate::side::Side;

/// The end's `asn`, or `default` (the site file's, for `[local]`); an error when neither.
pub(crate) fn asn(
    ck: &mut Checker,
    side: Side,
    end: &Spanned<RawEnd>,
    default: Option<Asn>,
) -> Option<Asn> {
    match &end.get_ref().asn {
        Some(value) => super::asn::asn(ck, &format!("{side}.asn"), value),
        None if default.is_some() => default,
        None => {
            let help = match side {
                Side::Local => "add asn = N (your AS number) to [local], or set asn in [local] of the site file (peergen.toml) for every peer",
                Side::Remote => "add asn = N (the other network's AS number) to [remote]",
            };
            ck.error(
                DiagnosticKind::MissingKey,
                format!("{side}.asn"),
                end.span(),
                format!("[bgp] needs the AS number of the {side} end"),
                help,
            );
            None
        }
    }
}

/// The end's `announce`, each of a family in `carried` (when known), without host bits,
/// once, with a `max-length` between its own length and the family's longest.
pub(crate) fn announce(
    ck: &mut Checker,
    side: Side,
    end: &RawEnd,
    carried: Option<&[Family]>,
) -> Vec<Announce> {
    let Some(list) = end.announce.as_ref() else {
        return Vec::new();
    };
    let mut out: Vec<Announce> = Vec::new();
    for (i, item) in list.get_ref().iter().enumerate() {
        let field = format!("{side}.announce[{i}]");
        let (text, max_length) = match item.get_ref() {
            RawAnnounce::Prefix(p) => (Text::new(item.span(), p.clone()), None),
            RawAnnounce::Table(t) => match &t.prefix {
                Some(p) => (p.clone(), t.max_length.as_ref()),
                None => {
                    ck.error(
                        DiagnosticKind::MissingKey,
                        format!("{field}.prefix"),
                        item.span(),
                        "an announce table needs the prefix",
                        "write { prefix = \"192.0.2.0/24\", max-length = 24 }",
                    );
                    continue;
                }
            },
        };
        let prefix_field = match item.get_ref() {
            RawAnnounce::Prefix(_) => field.clone(),
            RawAnnounce::Table(_) => format!("{field}.prefix"),
        };
        let Some(net) = network(ck, &prefix_field, &text) else {
            continue;
        };
        let family = Family::of(net.addr());
        if let Some(carried) = carried {
            if !carried.contains(&family) {
                let name = family_name(family);
                ck.error(
                    DiagnosticKind::AnnounceFamily,
                    &prefix_field,
                    text.span(),
                    format!("{net} is {name}, and no session of this peering carries {name}"),
                    format!(
                        "remove it, or carry {name}: add \"{family}\" to [bgp] families (with {name} tunnel addresses on both ends, or sessions = \"link-local\")"
                    ),
                );
                continue;
            }
        }
        let max_length = match max_length {
            Some(m) => {
                // Within `limits::ANNOUNCE_MAX_LENGTH`, the bounds the schema states for
                // any entry; only here is the entry's own prefix known.
                let Some(v) = ck.int_in_or(
                    &format!("{field}.max-length"),
                    m,
                    limits::Range::new(
                        i64::from(net.prefix_len()),
                        i64::from(family.max_prefix_len()),
                    ),
                    &format!("the max-length of {net}"),
                    ": from the prefix's own length to the longest of its family",
                ) else {
                    continue;
                };
                u8::try_from(v).ok()
            }
            None => None,
        };
        let entry = Announce {
            prefix: net,
            max_length,
        };
        if out.iter().any(|a| a.prefix == net) {
            ck.error(
                DiagnosticKind::DuplicateAddress,
                &prefix_field,
                text.span(),
                format!("{net} is announced twice by the {side} end"),
                "list each prefix once (with the largest max-length it needs)",
            );
            continue;
        }
        out.push(entry);
    }
    out
}

/// A network without host bits.
fn network(ck: &mut Checker, field: &str, text: &Text) -> Option<IpNet> {
    if !ck.printable(field, text) {
        return None;
    }
    let written = text.get_ref();
    let Ok(net) = written.parse::<IpNet>() else {
        ck.error(
            DiagnosticKind::InvalidAddress,
            field,
            text.span(),
            format!("{written:?} is not a prefix"),
            "write a network as ADDRESS/PREFIX, e.g. \"192.0.2.0/24\" or \"2001:db8:1000::/36\"",
        );
        return None;
    };
    if net.trunc() != net {
        ck.error(
            DiagnosticKind::InvalidAddress,
            field,
            text.span(),
            format!("{net} has host bits set, and BGP announces networks"),
            format!("write the network: \"{}\"", net.trunc()),
        );
        return None;
    }
    Some(net)
}

/// `max-prefix-ipv4` or `max-prefix-ipv6`: [`BGP_MAX_PREFIX`], default
/// [`DEFAULT_BGP_MAX_PREFIX`].
pub(crate) fn max_prefix(ck: &mut Checker, side: Side, key: &str, value: Option<&Int>) -> u32 {
    let Some(value) = value else {
        return DEFAULT_BGP_MAX_PREFIX;
    };
    ck.int_in_or(
        &format!("{side}.{key}"),
        value,
        BGP_MAX_PREFIX,
        "a prefix limit",
        &format!(
            "; remove it for the default of {DEFAULT_BGP_MAX_PREFIX} (0 would refuse every route)"
        ),
    )
    .and_then(|v| u32::try_from(v).ok())
    .unwrap_or(DEFAULT_BGP_MAX_PREFIX)
}

/// The named policies of one daemon on this end.
pub(crate) fn policy(
    ck: &mut Checker,
    side: Side,
    (import_key, import): (&str, Option<&Text>),
    (export_key, export): (&str, Option<&Text>),
) -> NamedPolicy {
    NamedPolicy {
        import: import.and_then(|t| policy_name(ck, &format!("{side}.{import_key}"), t)),
        export: export.and_then(|t| policy_name(ck, &format!("{side}.{export_key}"), t)),
    }
}

/// A filter or route map name: a letter, then letters, digits, `_` or `-`, at most
/// [`BGP_POLICY_NAME_MAX_CHARS`] in all. FRR takes it unquoted (it has no quoting); BIRD takes
/// it as a quoted symbol (`'name'`), so keywords and `-` are safe there.
fn policy_name(ck: &mut Checker, field: &str, text: &Text) -> Option<String> {
    let name = text.get_ref();
    let starts_with_letter = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let bad = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'));
    let length = name.chars().count();
    let problem = if name.is_empty() {
        "is empty".to_owned()
    } else if length > BGP_POLICY_NAME_MAX_CHARS {
        format!("is {length} characters long; peergen takes at most {BGP_POLICY_NAME_MAX_CHARS}")
    } else if let Some(c) = bad {
        let what = match c {
            ' ' => "a space".to_owned(),
            c if c.is_ascii_graphic() => format!("{c:?}"),
            c => crate::text::describe(c),
        };
        format!("contains {what}, which FRR (no quoting) or BIRD could read as the end of the name or of the line")
    } else if !starts_with_letter {
        "does not start with a letter".to_owned()
    } else {
        return Some(name.clone());
    };
    ck.error(
        DiagnosticKind::InvalidPolicyName,
        field,
        text.span(),
        format!("{name:?} {problem}"),
        format!("name the filter or route map with a letter, then up to {} letters, digits, '_' or '-' (rename it in the daemon's config if needed)", BGP_POLICY_NAME_MAX_CHARS - 1),
    );
    None
}
