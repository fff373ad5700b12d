//! One documented `Serialize` context per template, built from a validated [`Peer`]
//! (`init`'s starter file: from a kind and the core's limits).
//!
//! Templates only ever see these structs: typed, validated values already formatted for
//! the target (endpoints with their port and IPv6 brackets, lists in order). What a
//! backend cannot express is refused here, with the alternative, before any template runs.

pub mod bird;
pub mod common;
pub mod frr;
pub mod handoff;
pub mod init;
pub mod ip;
pub mod netplan;
pub mod networkd;
pub mod wg_quick;

#[cfg(test)]
mod reference;
#[cfg(test)]
mod tests;
