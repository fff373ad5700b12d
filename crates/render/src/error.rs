//! Why rendering failed: a combination a backend cannot express, or a template problem
//! (only possible with user-supplied `--templates`).

use peergen_core::Backend;

/// A rendering failure.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The backend cannot express this peer; never rendered as a silently wrong file.
    #[error(
        "{peer}: the {backend} backend cannot render this peer: {reason}\n  = help: {alternative}"
    )]
    Unsupported {
        /// Interface name of the peer.
        peer: String,
        /// The backend asked for.
        backend: Backend,
        /// What it cannot express.
        reason: String,
        /// What to do instead.
        alternative: String,
    },
    /// A template failed to load or render.
    #[error("{peer}: template {template}: {source:#}")]
    Template {
        /// Interface name of the peer.
        peer: String,
        /// Template name.
        template: String,
        /// minijinja's error, with its line.
        source: minijinja::Error,
    },
}
