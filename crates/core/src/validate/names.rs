//! Interface names and free text.

use super::Checker;
use crate::diagnostic::DiagnosticKind;
use crate::limits::{DESCRIPTION_MAX_CHARS, INTERFACE_NAME_MAX_CHARS};
use crate::raw::Text;

/// Devices the kernel creates itself when a tunnel module loads; a tunnel with one of these
/// names collides with them.
const KERNEL_FALLBACK_NAMES: [&str; 9] = [
    "gre0", "gretap0", "erspan0", "ip6gre0", "ip6tnl0", "sit0", "tunl0", "ip_vti0", "ip6_vti0",
];

/// Whether `name` is a usable interface name: the rule wg-quick enforces (which the kernel's
/// 15-byte limit and networkd agree with), and no leading `-`, which `ip` and `wg` would
/// take for an option (`ip link add -6 …`).
pub fn is_valid_interface_name(name: &str) -> bool {
    (1..=INTERFACE_NAME_MAX_CHARS).contains(&name.len())
        && !name.starts_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_=+.-".contains(&b))
        && name != "."
        && name != ".."
}

/// Checks `name`: 1 to [`INTERFACE_NAME_MAX_CHARS`] characters of `[a-zA-Z0-9_=+.-]`, not a kernel fallback device.
pub(crate) fn interface_name(ck: &mut Checker, name: &Text) -> Option<String> {
    let text = name.get_ref();
    let span = name.span();
    if text.is_empty() {
        ck.error(
            DiagnosticKind::InvalidName,
            "name",
            span,
            "the interface name is empty",
            "give the tunnel interface a name such as \"peer0\"",
        );
        return None;
    }
    let chars = text.chars().count();
    if chars > INTERFACE_NAME_MAX_CHARS {
        ck.error(
            DiagnosticKind::InvalidName,
            "name",
            span,
            format!(
                "{text:?} is {chars} characters; Linux interface names have at most {INTERFACE_NAME_MAX_CHARS}"
            ),
            "shorten the name (the kernel rejects longer names and networkd ignores the file)",
        );
        return None;
    }
    if let Some(bad) = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_=+.-".contains(*c)))
    {
        ck.error(
            DiagnosticKind::InvalidName,
            "name",
            span,
            format!("{text:?} contains {bad:?}, which is not allowed in an interface name"),
            "use only letters, digits and _ = + . - (the characters wg-quick accepts)",
        );
        return None;
    }
    if text.starts_with('-') {
        ck.error(
            DiagnosticKind::InvalidName,
            "name",
            span,
            format!("{text:?} starts with '-', so `ip` and `wg` would read it as an option"),
            format!(
                "start the name with a letter or digit, e.g. {:?}",
                format!("peer{}", text.trim_start_matches('-'))
                    .chars()
                    .take(INTERFACE_NAME_MAX_CHARS)
                    .collect::<String>()
            ),
        );
        return None;
    }
    if !is_valid_interface_name(text) {
        ck.error(
            DiagnosticKind::InvalidName,
            "name",
            span,
            format!("{text:?} is not a valid interface name"),
            "choose a name that is not \".\" or \"..\"",
        );
        return None;
    }
    if KERNEL_FALLBACK_NAMES.contains(&text.as_str()) {
        ck.error(
            DiagnosticKind::ReservedName,
            "name",
            span,
            format!(
                "{text:?} is the fallback device the kernel creates when its tunnel module loads"
            ),
            "choose another name, for example one after the peer (\"as64512\")",
        );
        return None;
    }
    Some(text.clone())
}

/// Free text (the description): printable, not ending in a backslash, at most 255
/// characters.
pub(crate) fn free_text(ck: &mut Checker, field: &str, value: &Text) -> Option<String> {
    if !ck.printable(field, value) || !ck.no_trailing_backslash(field, value) {
        return None;
    }
    let len = value.get_ref().chars().count();
    if len > DESCRIPTION_MAX_CHARS {
        ck.error(
            DiagnosticKind::OutOfRange,
            field,
            value.span(),
            format!("is {len} characters long, more than the {DESCRIPTION_MAX_CHARS} allowed"),
            format!("shorten it to {DESCRIPTION_MAX_CHARS} characters or fewer"),
        );
        return None;
    }
    Some(value.get_ref().clone())
}

#[cfg(test)]
mod tests {
    use super::is_valid_interface_name;

    #[test]
    fn interface_names() {
        for ok in ["wg0", "as64512", "peer-1", "a=b+c.d_e", "help", "x-6"] {
            assert!(is_valid_interface_name(ok), "{ok}");
        }
        for bad in [
            "",
            ".",
            "..",
            "-6",
            "-",
            "--help",
            "a b",
            "a/b",
            "sixteen-chars-xx",
        ] {
            assert!(!is_valid_interface_name(bad), "{bad}");
        }
    }
}
