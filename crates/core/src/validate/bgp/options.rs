//! `[bgp]` settings of the sessions themselves: password and hold time. (`bfd` and
//! `ttl-security` are plain booleans: BIRD 2.0.12 and FRR 8.4 both take them on every
//! session peergen renders, which are directly connected.)

use super::super::Checker;
use crate::bgp::PASSWORD_FORBIDDEN;
use crate::diagnostic::DiagnosticKind;
use crate::limits::{BGP_HOLD_TIME, BGP_HOLD_TIME_OFF, BGP_PASSWORD_MAX_CHARS};
use crate::raw::RawBgp;

/// The validated options.
pub(crate) struct Options {
    pub password: Option<String>,
    pub hold_time: Option<u16>,
}

/// Validates `password` and `hold-time`.
pub(crate) fn options(ck: &mut Checker, raw: &RawBgp) -> Options {
    Options {
        password: raw.password.as_ref().and_then(|p| password(ck, p)),
        hold_time: raw.hold_time.as_ref().and_then(|h| {
            if *h.get_ref() == BGP_HOLD_TIME_OFF {
                return u16::try_from(BGP_HOLD_TIME_OFF).ok();
            }
            ck.int_in_or(
                "bgp.hold-time",
                h,
                BGP_HOLD_TIME,
                "a hold time in seconds",
                &format!(
                    ", or {BGP_HOLD_TIME_OFF} for no keepalives (1 and 2 are not allowed by BGP)"
                ),
            )
            .and_then(|v| u16::try_from(v).ok())
        }),
    }
}

/// A password both daemons take as written: FRR's `password WORD` cannot be quoted and
/// BIRD's `password "…"` ends at `"` and escapes with `\`.
fn password(ck: &mut Checker, value: &crate::raw::Text) -> Option<String> {
    let text = value.get_ref();
    let problem = if text.is_empty() {
        Some("is empty".to_owned())
    } else if text.len() > BGP_PASSWORD_MAX_CHARS {
        Some(format!(
            "is {} bytes long, and a TCP-MD5 key has at most {BGP_PASSWORD_MAX_CHARS}",
            text.len()
        ))
    } else if let Some(c) = text
        .chars()
        .find(|c| !c.is_ascii_graphic() || PASSWORD_FORBIDDEN.contains(c))
    {
        let what = if c == ' ' {
            "a space".to_owned()
        } else if c.is_ascii_graphic() {
            format!("{c:?}")
        } else {
            crate::text::describe(c)
        };
        Some(format!(
            "contains {what}, which one of the daemons cannot take as written (FRR's password has no quoting; BIRD's ends at '\"' and escapes with '\\')"
        ))
    } else {
        None
    };
    let Some(problem) = problem else {
        return Some(text.clone());
    };
    ck.error(
        DiagnosticKind::InvalidPassword,
        "bgp.password",
        value.span(),
        format!("the password {problem}"),
        format!("use 1 to {BGP_PASSWORD_MAX_CHARS} printable ASCII characters other than space and \" \\ # ! ' (e.g. from `openssl rand -base64 30`: letters, digits, + / and =)"),
    );
    None
}
