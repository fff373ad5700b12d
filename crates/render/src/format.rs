//! The output formats of rendered files. A template's [`Format`] (carried by its
//! [`crate::templates::TemplateId`]) picks the escaping of every `{{ … }}` in it, whatever
//! the template's file is called: a new format is a new variant and its escaper in
//! [`crate::escape`], not a new file-name rule.

use minijinja::AutoEscape;

/// The format of a rendered file, as far as escaping is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// systemd's `key=value` files (`.netdev`, `.network`): values as they are; a
    /// trailing backslash is refused (it joins the next line).
    Ini,
    /// wg-quick's `.conf`: as [`Format::Ini`], and a `#` is refused too (wg-quick cuts
    /// every line at its first `#`, even inside shell quotes).
    WgQuick,
    /// YAML (netplan): strings as double-quoted scalars.
    Yaml,
    /// POSIX shell scripts: every value one shell word.
    Sh,
    /// TOML (the starter peer file): every value a TOML value.
    Toml,
    /// BIRD 2 configuration: templates put strings in double quotes; a value with `"`, `\`
    /// or a line break is refused (it would end the string or escape out of it).
    Bird,
    /// FRR configuration: no quoting at all, so every value must be one word of printable
    /// ASCII without `!`, `#`, quotes or backslash.
    Frr,
    /// Markdown (the handoff README): Markdown and HTML specials in values are
    /// backslash-escaped, so a value is always plain text on a code-hosting site.
    Markdown,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 8] = [
        Self::Ini,
        Self::WgQuick,
        Self::Yaml,
        Self::Sh,
        Self::Toml,
        Self::Bird,
        Self::Frr,
        Self::Markdown,
    ];

    /// The name minijinja carries for the template being rendered
    /// (`AutoEscape::Custom`), which the formatter reads back with [`Format::of`].
    fn escape_name(self) -> &'static str {
        match self {
            Self::Ini => "ini",
            Self::WgQuick => "wg-quick",
            Self::Yaml => "yaml",
            Self::Sh => "sh",
            Self::Toml => "toml",
            Self::Bird => "bird",
            Self::Frr => "frr",
            Self::Markdown => "markdown",
        }
    }

    /// The auto-escape mode the environment gives templates of this format.
    pub fn auto_escape(self) -> AutoEscape {
        AutoEscape::Custom(self.escape_name())
    }

    /// The format whose auto-escape mode is `mode`; `None` for a mode peergen never sets.
    pub fn of(mode: AutoEscape) -> Option<Format> {
        match mode {
            AutoEscape::Custom(name) => Self::ALL.into_iter().find(|f| f.escape_name() == name),
            _ => None,
        }
    }

    /// Whether a value ending in a backslash would join the next line to it.
    pub fn joins_lines_at_backslash(self) -> bool {
        matches!(self, Self::Ini | Self::WgQuick)
    }

    /// The section of docs/templates.md that describes the escaping, as a Markdown link.
    pub fn doc_link(self) -> &'static str {
        match self {
            Self::Ini => "[INI-style](#ini-style)",
            // The INI-style section also says what wg-quick refuses.
            Self::WgQuick => "[INI-style](#ini-style)",
            Self::Yaml => "[YAML](#yaml)",
            Self::Sh => "[sh](#sh)",
            Self::Toml => "[TOML](#toml)",
            Self::Bird => "[BIRD](#bird)",
            Self::Frr => "[FRR](#frr)",
            Self::Markdown => "[Markdown](#markdown)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_reads_back_from_its_escape_mode() {
        for format in Format::ALL {
            assert_eq!(Format::of(format.auto_escape()), Some(format));
        }
        assert_eq!(Format::of(AutoEscape::None), None);
    }
}
