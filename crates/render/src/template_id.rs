//! Typed template ids: a template's name (its path under `templates/`, and under an
//! override directory) together with the format of the file it renders, which picks the
//! escaping ([`Format`]).

use crate::format::Format;

/// A template the code renders, named once as a constant where it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateId {
    /// Path under `templates/` (and under `--templates DIR`), e.g. `ip/up.sh.j2`.
    pub name: &'static str,
    /// The format of the rendered file: decides how every `{{ … }}` is escaped.
    pub format: Format,
}

/// A template with its built-in text (embedded at build time).
#[derive(Debug, Clone, Copy)]
pub struct Template {
    /// Its id.
    pub id: TemplateId,
    /// The text from `templates/`.
    pub text: &'static str,
}
