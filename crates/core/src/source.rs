//! A peer file's text together with the path it was read from and the name rendered
//! files give it.
//!
//! The core never reads files itself: callers hand it a [`SourceFile`], and every
//! diagnostic can then be located as `path:line:column` with an excerpt of the line.
//! The start of every line is found once, when the first diagnostic is located (most
//! files have none), so locating a diagnostic is a binary search rather than a scan from
//! the top of the file: a file with tens of thousands of problems is located in linear
//! time.

use camino::{Utf8Path, Utf8PathBuf};

/// The text of one input file and the path it came from (as the user named it).
#[derive(Debug, Clone)]
pub struct SourceFile {
    path: Utf8PathBuf,
    /// The name rendered files and manifests give the file; `None`: [`Self::path`].
    name: Option<Utf8PathBuf>,
    text: String,
    /// Byte offset of the start of every line; the first is 0. Found when first needed.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

/// Two files are the same when their paths, names and texts are: the line starts are
/// derived from the text.
impl PartialEq for SourceFile {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path && self.name == other.name && self.text == other.text
    }
}

impl Eq for SourceFile {}

/// A 1-based line and column (columns count characters, as editors do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl SourceFile {
    /// Wraps the text read from `path`.
    pub fn new(path: impl Into<Utf8PathBuf>, text: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            name: None,
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// Byte offset of the start of every line.
    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// The same file, named `name` in what is rendered from it (e.g. its path relative to
    /// the config repo, so the bytes do not depend on where peergen ran). Messages keep
    /// naming it by [`Self::path`].
    pub fn named(mut self, name: impl Into<Utf8PathBuf>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The path as given by the user; used verbatim in messages.
    pub fn path(&self) -> &Utf8Path {
        &self.path
    }

    /// The name rendered files give the file: [`Self::named`], else the path.
    pub fn name(&self) -> &Utf8Path {
        self.name.as_deref().unwrap_or(&self.path)
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Line and column of a byte offset, clamped to the text.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let index = self.line_index(offset);
        let line_start = self.line_starts()[index];
        let before = &self.text[line_start..offset];
        // ASCII (the usual case) needs no counting, which keeps very long lines cheap.
        let column = if before.is_ascii() {
            before.len()
        } else {
            before.chars().count()
        } + 1;
        LineCol {
            line: index + 1,
            column,
        }
    }

    /// The byte range of the 1-based line `line`, without its line break; empty past the
    /// end of the text.
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let Some(&start) = self.line_starts().get(line.saturating_sub(1)) else {
            return self.text.len()..self.text.len();
        };
        let end = self
            .line_starts()
            .get(line)
            .map_or(self.text.len(), |next| next - 1);
        let end = if self.text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        start..end
    }

    /// The text of the 1-based line `line`, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        &self.text[self.line_range(line)]
    }

    /// The 0-based index of the line holding `offset`.
    fn line_index(&self, offset: usize) -> usize {
        match self.line_starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let src = SourceFile::new("p.toml", "a = 1\nné = \"x\"\n");
        assert_eq!(src.line_col(0), LineCol { line: 1, column: 1 });
        let x = src.text().find('"').unwrap();
        assert_eq!(src.line_col(x), LineCol { line: 2, column: 6 });
        assert_eq!(src.line_text(2), "né = \"x\"");
        assert_eq!(src.line_col(10_000).line, 3);
        assert_eq!(src.line_text(3), "");
        assert_eq!(src.line_text(4), "");
    }

    #[test]
    fn the_rendered_name_defaults_to_the_path() {
        let src = SourceFile::new("../repo/peers/a.toml", "");
        assert_eq!(src.name(), "../repo/peers/a.toml");
        let src = src.named("peers/a.toml");
        assert_eq!(src.name(), "peers/a.toml");
        assert_eq!(src.path(), "../repo/peers/a.toml");
    }

    #[test]
    fn line_breaks_are_not_part_of_a_line() {
        let src = SourceFile::new("p.toml", "a = 1\r\nb = 2");
        assert_eq!(src.line_text(1), "a = 1");
        assert_eq!(src.line_text(2), "b = 2");
        assert_eq!(src.line_col(7), LineCol { line: 2, column: 1 });
        // An offset on the line break belongs to the line it ends.
        assert_eq!(src.line_col(6), LineCol { line: 1, column: 7 });
    }
}
