//! peergen's domain: the tunnel peer model, peer-file parsing and validation, MTU
//! computation and WireGuard keys.
//!
//! Data flows one way: TOML text ([`SourceFile`]) → raw serde structs ([`raw`], spans kept)
//! → [`validate`] → a typed [`Peer`]. Nothing here writes files, renders templates or
//! parses command lines; the render crate and the CLI build on these types.

pub mod backend;
pub mod bgp;
pub mod cross;
pub mod diagnostic;
pub mod keys;
pub mod kind;
pub mod limits;
pub mod mtu;
pub mod peer;
pub mod raw;
pub mod select;
pub mod side;
pub mod site;
pub mod source;
pub mod spans;
pub mod status;
pub mod text;
pub mod tunnel;
pub mod validate;

pub use backend::Backend;
pub use diagnostic::{Diagnostic, DiagnosticKind, Severity};
pub use kind::TunnelKind;
pub use mtu::{Mtu, MtuComputation};
pub use peer::{Endpoint, Peer, PrivateKeySource, Route, Ttl, Tunnel, TunnelAddress};
pub use side::Side;
pub use source::SourceFile;
pub use validate::{validate, Invalid, Validated};
