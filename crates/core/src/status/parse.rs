//! Reads the structured output of `ip -j`, `wg show … dump` and networkd's configuration
//! files into [`super::host`] types. The text is handed in; nothing here runs a command
//! or opens a file.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use serde_json::Value;

use super::host::{
    HostAddress, HostEncapLimit, HostRoute, HostTtl, Link, NetworkdConf, RouteGet, TunnelInfo,
    WgDevice, WgPeer,
};
use crate::keys::{PrivateKey, PublicKey};

/// Output that is not what the command prints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unexpected output of `{command}`: {problem}")]
pub struct ParseError {
    /// The command, as the user would type it.
    pub command: String,
    /// What is wrong.
    pub problem: String,
}

fn error(command: &str, problem: impl Into<String>) -> ParseError {
    ParseError {
        command: command.to_owned(),
        problem: problem.into(),
    }
}

fn json_array(command: &str, text: &str) -> Result<Vec<Value>, ParseError> {
    // `ip -j` prints nothing at all for an empty route listing on some versions.
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    match serde_json::from_str(text) {
        Ok(Value::Array(items)) => Ok(items),
        Ok(_) => Err(error(command, "not a JSON array")),
        Err(err) => Err(error(command, format!("not JSON: {err}"))),
    }
}

fn ip_of(value: Option<&Value>) -> Option<IpAddr> {
    value.and_then(Value::as_str).and_then(|s| s.parse().ok())
}

fn u64_of(value: Option<&Value>) -> Option<u64> {
    value.and_then(Value::as_u64)
}

/// A GRE key: `ip` prints it as a dotted quad (`0.0.0.42`); a number is accepted too.
fn gre_key(value: Option<&Value>) -> Option<u32> {
    match value? {
        Value::String(s) => s.parse::<Ipv4Addr>().ok().map(u32::from),
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        _ => None,
    }
}

/// `ip -j -d link show dev IF` (one link).
pub fn link(text: &str) -> Result<Link, ParseError> {
    const CMD: &str = "ip -j -d link show";
    let items = json_array(CMD, text)?;
    let item = items
        .first()
        .ok_or_else(|| error(CMD, "no link in the output"))?;
    let info = item.get("linkinfo");
    let data = info.and_then(|i| i.get("info_data"));
    let field = |name: &str| data.and_then(|d| d.get(name));
    let ttl = match field("ttl").or_else(|| field("hoplimit")) {
        Some(Value::String(s)) if s == "inherit" => Some(HostTtl::Inherit),
        Some(v) => v
            .as_u64()
            .and_then(|n| u8::try_from(n).ok())
            .map(HostTtl::Value),
        None => None,
    };
    let encap_limit = if field("ip6_tnl_f_ign_encap_limit").and_then(Value::as_bool) == Some(true) {
        Some(HostEncapLimit::None)
    } else {
        u64_of(field("encap_limit"))
            .and_then(|n| u8::try_from(n).ok())
            .map(HostEncapLimit::Limit)
    };
    Ok(Link {
        kind: info
            .and_then(|i| i.get("info_kind"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        flags: item
            .get("flags")
            .and_then(Value::as_array)
            .map(|f| {
                f.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        operstate: item
            .get("operstate")
            .and_then(Value::as_str)
            .unwrap_or("UNKNOWN")
            .to_owned(),
        mtu: u64_of(item.get("mtu"))
            .and_then(|m| u32::try_from(m).ok())
            .ok_or_else(|| error(CMD, "no mtu"))?,
        master: item
            .get("master")
            .and_then(Value::as_str)
            .map(str::to_owned),
        tunnel: TunnelInfo {
            // VXLAN over IPv6 names its endpoints `local6` and `remote6` (iproute2 6.1);
            // the GRE family says `local` and `remote` for both families.
            local: ip_of(field("local").or_else(|| field("local6"))),
            remote: ip_of(field("remote").or_else(|| field("remote6"))),
            ttl,
            ikey: gre_key(field("ikey")),
            okey: gre_key(field("okey")),
            encap_limit,
            vni: u64_of(field("id")).and_then(|n| u32::try_from(n).ok()),
            port: u64_of(field("port")).and_then(|n| u16::try_from(n).ok()),
        },
    })
}

fn net(addr: IpAddr, prefix: Option<u64>) -> Option<IpNet> {
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = u8::try_from(prefix.unwrap_or(max)).ok()?;
    IpNet::new(addr, prefix).ok()
}

/// `ip -j addr show dev IF`.
pub fn addresses(text: &str) -> Result<Vec<HostAddress>, ParseError> {
    const CMD: &str = "ip -j addr show";
    let items = json_array(CMD, text)?;
    let mut out = Vec::new();
    for item in &items {
        let Some(infos) = item.get("addr_info").and_then(Value::as_array) else {
            continue;
        };
        for info in infos {
            let Some(local) = ip_of(info.get("local")) else {
                continue;
            };
            let prefix = u64_of(info.get("prefixlen"));
            let address = net(local, prefix).ok_or_else(|| error(CMD, "bad prefixlen"))?;
            let peer = ip_of(info.get("address"))
                .filter(|&a| a != local)
                .and_then(|a| net(a, prefix));
            out.push(HostAddress {
                address,
                peer,
                link_scope: info.get("scope").and_then(Value::as_str) == Some("link"),
            });
        }
    }
    Ok(out)
}

/// `ip -j route get ADDRESS`.
pub fn route_get(destination: IpAddr, text: &str) -> Result<RouteGet, ParseError> {
    const CMD: &str = "ip -j route get";
    let items = json_array(CMD, text)?;
    let item = items
        .first()
        .ok_or_else(|| error(CMD, "no route in the output"))?;
    Ok(RouteGet {
        destination,
        dev: item.get("dev").and_then(Value::as_str).map(str::to_owned),
        gateway: ip_of(item.get("gateway")),
    })
}

/// `ip -j -4|-6 route show table TABLE dev IF`; `ipv6` says which family was listed
/// (`default` means that family's /0).
pub fn routes(text: &str, ipv6: bool, table: u32) -> Result<Vec<HostRoute>, ParseError> {
    const CMD: &str = "ip -j route show table";
    let items = json_array(CMD, text)?;
    let mut out = Vec::with_capacity(items.len());
    for item in &items {
        let Some(dst) = item.get("dst").and_then(Value::as_str) else {
            continue;
        };
        let destination = if dst == "default" {
            if ipv6 {
                IpNet::new(Ipv6Addr::UNSPECIFIED.into(), 0)
            } else {
                IpNet::new(Ipv4Addr::UNSPECIFIED.into(), 0)
            }
            .ok()
        } else if let Ok(net) = dst.parse::<IpNet>() {
            Some(net)
        } else {
            dst.parse::<IpAddr>().ok().and_then(|a| net(a, None))
        };
        let Some(destination) = destination else {
            return Err(error(CMD, format!("bad dst {dst:?}")));
        };
        out.push(HostRoute {
            destination,
            gateway: ip_of(item.get("gateway")),
            metric: u64_of(item.get("metric"))
                .and_then(|m| u32::try_from(m).ok())
                .unwrap_or(0),
            table,
        });
    }
    Ok(out)
}

fn none_or(field: &str) -> Option<&str> {
    (field != "(none)" && field != "off").then_some(field)
}

/// `wg show IF dump`. The first line's private key is turned into its public key at once
/// and dropped; it is never stored or shown.
pub fn wg_dump(text: &str) -> Result<WgDevice, ParseError> {
    const CMD: &str = "wg show dump";
    let mut lines = text.lines().filter(|l| !l.is_empty());
    let first = lines.next().ok_or_else(|| error(CMD, "empty output"))?;
    let fields: Vec<&str> = first.split('\t').collect();
    let [private, _public, port, _fwmark] = fields[..] else {
        return Err(error(CMD, "the interface line does not have 4 fields"));
    };
    let public_key = match none_or(private) {
        Some(p) => Some(
            PrivateKey::from_base64(p)
                .map_err(|_| error(CMD, "the private key is not a WireGuard key"))?
                .public_key(),
        ),
        None => None,
    };
    let listen_port = port
        .parse()
        .map_err(|_| error(CMD, "the listen port is not a number"))?;
    let mut peers = Vec::new();
    for line in lines {
        let fields: Vec<&str> = line.split('\t').collect();
        let [key, psk, endpoint, allowed, handshake, rx, tx, keepalive] = fields[..] else {
            return Err(error(CMD, "a peer line does not have 8 fields"));
        };
        let number = |s: &str, what: &str| {
            s.parse::<u64>()
                .map_err(|_| error(CMD, format!("{what} is not a number")))
        };
        peers.push(WgPeer {
            public_key: PublicKey::from_base64(key)
                .map_err(|_| error(CMD, "a peer's public key is not a WireGuard key"))?,
            preshared_key: none_or(psk).is_some(),
            endpoint: none_or(endpoint).map(str::to_owned),
            allowed_ips: none_or(allowed)
                .map(|a| a.split(',').filter_map(|n| n.parse().ok()).collect())
                .unwrap_or_default(),
            latest_handshake: number(handshake, "the latest handshake")?,
            rx_bytes: number(rx, "transfer-rx")?,
            tx_bytes: number(tx, "transfer-tx")?,
            persistent_keepalive: match none_or(keepalive) {
                Some(k) => Some(
                    k.parse()
                        .map_err(|_| error(CMD, "persistent-keepalive is not a number"))?,
                ),
                None => None,
            },
        });
    }
    Ok(WgDevice {
        public_key,
        listen_port,
        peers,
    })
}

/// A `/proc/sys` value such as `rp_filter`.
pub fn sysctl_u8(text: &str) -> Option<u8> {
    text.trim().parse().ok()
}

/// systemd's boolean words.
fn boolean(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "yes" | "y" | "true" | "t" | "on" => Some(true),
        "0" | "no" | "n" | "false" | "f" | "off" => Some(false),
        _ => None,
    }
}

/// `ManageForeignRoutes=` from networkd.conf and its drop-ins, given as (name, text) in
/// the order systemd reads them (the main file, then drop-ins sorted by name): the last
/// setting wins, the default is yes.
pub fn networkd_conf(files: &[(String, String)]) -> NetworkdConf {
    let mut conf = NetworkdConf {
        manage_foreign_routes: true,
        set_in: None,
    };
    for (name, text) in files {
        let mut section = "";
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
                continue;
            }
            if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = s;
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            if section == "Network" && key.trim() == "ManageForeignRoutes" {
                if let Some(v) = boolean(value) {
                    conf.manage_foreign_routes = v;
                    conf.set_in = Some(name.clone());
                }
            }
        }
    }
    conf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gre_keys_are_dotted_quads_or_numbers() {
        assert_eq!(gre_key(Some(&Value::from("0.0.0.42"))), Some(42));
        assert_eq!(gre_key(Some(&Value::from(42))), Some(42));
        assert_eq!(gre_key(Some(&Value::from("x"))), None);
    }

    #[test]
    fn the_private_key_is_only_kept_as_its_public_key() {
        let key = PrivateKey::generate();
        let peer = PrivateKey::generate().public_key();
        let dump = format!(
            "{}\t{}\t51820\toff\n{}\t(none)\t(none)\t(none)\t0\t0\t0\toff\n",
            key.to_base64(),
            key.public_key(),
            peer
        );
        let device = wg_dump(&dump).unwrap();
        assert_eq!(device.public_key, Some(key.public_key()));
        assert!(!format!("{device:?}").contains(&key.to_base64()));
        assert_eq!(device.peers[0].endpoint, None);
        assert!(!device.peers[0].preshared_key);
        assert_eq!(device.peers[0].persistent_keepalive, None);
    }

    #[test]
    fn a_device_without_private_key_has_no_public_key() {
        let device = wg_dump("(none)\t(none)\t0\toff\n").unwrap();
        assert_eq!(device.public_key, None);
        assert!(wg_dump("").is_err());
        assert!(wg_dump("a\tb\n").is_err());
    }

    #[test]
    fn networkd_conf_last_setting_wins() {
        let files = vec![
            (
                "/etc/systemd/networkd.conf".to_owned(),
                "[Network]\n#ManageForeignRoutes=no\n".to_owned(),
            ),
            (
                "/etc/systemd/networkd.conf.d/10-bgp.conf".to_owned(),
                "[Network]\nManageForeignRoutes=no\n".to_owned(),
            ),
        ];
        let conf = networkd_conf(&files);
        assert!(!conf.manage_foreign_routes);
        assert_eq!(
            conf.set_in.as_deref(),
            Some("/etc/systemd/networkd.conf.d/10-bgp.conf")
        );
        assert!(networkd_conf(&files[..1]).manage_foreign_routes);
        let other_section = vec![(
            "x".to_owned(),
            "[DHCPv4]\nManageForeignRoutes=no\n".to_owned(),
        )];
        assert!(networkd_conf(&other_section).manage_foreign_routes);
    }

    #[test]
    fn default_routes_are_the_family_zero_network() {
        let r = routes(r#"[{"dst":"default","metric":5}]"#, true, 100).unwrap();
        assert_eq!(r[0].destination, "::/0".parse::<IpNet>().unwrap());
        assert_eq!(r[0].metric, 5);
        let r = routes(r#"[{"dst":"192.0.2.1"}]"#, false, 254).unwrap();
        assert_eq!(r[0].destination, "192.0.2.1/32".parse::<IpNet>().unwrap());
        assert!(routes("", false, 254).unwrap().is_empty());
        assert!(routes("{", false, 254).is_err());
    }

    #[test]
    fn rp_filter_is_the_larger_value() {
        use super::super::host::RpFilter;
        let f = |i, a| RpFilter {
            interface: Some(i),
            all: Some(a),
        };
        assert_eq!(f(0, 1).effective(), Some(1));
        assert_eq!(f(2, 1).effective(), Some(2));
        assert_eq!(RpFilter::default().effective(), None);
    }
}
