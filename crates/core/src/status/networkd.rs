//! systemd-networkd hosts: `ManageForeignRoutes=` (default yes) makes networkd remove
//! routes it did not add, such as a BGP daemon's, whenever it starts or reloads.

use super::host::NetworkdConf;
use super::{bgp, At, Check, Ctx, Finding};

/// Where the setting goes.
pub const DROP_IN: &str = "/etc/systemd/networkd.conf.d/peergen.conf";

/// The finding, if any: only a peer whose routes come from a BGP daemon loses them, and
/// only on a host where networkd is in use (`conf` is `None` otherwise).
pub fn foreign_routes(
    has_bgp: bool,
    conf: Option<&NetworkdConf>,
    at: Option<At>,
) -> Option<Finding> {
    let conf = conf?;
    if !has_bgp || !conf.manage_foreign_routes {
        return None;
    }
    Some(Finding {
        check: Check::ForeignRoutes,
        down: false,
        expected: "ManageForeignRoutes=no, so networkd keeps the BGP daemon's routes".to_owned(),
        actual: match &conf.set_in {
            Some(file) => format!("ManageForeignRoutes=yes (set in {file})"),
            None => "ManageForeignRoutes=yes (the default)".to_owned(),
        },
        at,
        fix: Some(format!(
            "printf '[Network]\\nManageForeignRoutes=no\\n' > {DROP_IN} && systemctl restart systemd-networkd"
        )),
    })
}

pub(super) fn check(ctx: &mut Ctx<'_>) {
    let at = ctx.at(&["bgp"]);
    if let Some(f) = foreign_routes(bgp::peer_has_bgp(ctx.peer), ctx.host.networkd.as_ref(), at) {
        ctx.findings.push(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conf(manage: bool) -> NetworkdConf {
        NetworkdConf {
            manage_foreign_routes: manage,
            set_in: None,
        }
    }

    #[test]
    fn only_a_bgp_peer_on_a_networkd_host_that_manages_foreign_routes() {
        let f = foreign_routes(true, Some(&conf(true)), None).unwrap();
        assert_eq!(f.check, Check::ForeignRoutes);
        assert!(f.actual.contains("the default"));
        assert!(f.fix.unwrap().contains(DROP_IN));
        assert_eq!(foreign_routes(true, Some(&conf(false)), None), None);
        assert_eq!(foreign_routes(false, Some(&conf(true)), None), None);
        assert_eq!(foreign_routes(true, None, None), None);
    }
}
