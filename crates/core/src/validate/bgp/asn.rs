//! AS numbers: in range and not reserved, for the peer file's ends and the site file.

use super::super::Checker;
use crate::bgp::Asn;
use crate::diagnostic::DiagnosticKind;
use crate::limits::{ASN, AS_TRANS};
use crate::raw::Int;

/// What to write instead of a number that is not an AS.
const PRIVATE_HELP: &str = "use the AS number of that end's network; a network without one uses a private number, 64512 to 65534 or 4200000000 to 4294967294";

/// Validates an AS number at `field`: in [`ASN`] and not reserved.
pub(crate) fn asn(ck: &mut Checker, field: &str, value: &Int) -> Option<Asn> {
    let v = *value.get_ref();
    let message = match u32::try_from(v) {
        Ok(n) if Asn::is_valid(n) => return Some(Asn(n)),
        Ok(AS_TRANS) => format!(
            "{v} is AS_TRANS, which stands in for 4-byte AS numbers towards old BGP speakers (RFC 6793) and is never the AS of a network"
        ),
        Ok(_) => format!("{v} is a reserved AS number (RFC 7300: 0, 65535 and 4294967295 are never assigned)"),
        Err(_) => format!("{v} is not an AS number, which is {ASN}"),
    };
    ck.error(
        DiagnosticKind::InvalidAsn,
        field,
        value.span(),
        message,
        PRIVATE_HELP,
    );
    None
}
