//! A peer file's text together with the path it was read from.
//!
//! The core never reads files itself: callers hand it a [`SourceFile`], and every
//! diagnostic can then be located as `path:line:column` with an excerpt of the line.

use camino::{Utf8Path, Utf8PathBuf};

/// The text of one input file and the path it came from (as the user named it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    path: Utf8PathBuf,
    text: String,
}

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
            text: text.into(),
        }
    }

    /// The path as given by the user; used verbatim in messages and file headers.
    pub fn path(&self) -> &Utf8Path {
        &self.path
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Line and column of a byte offset, clamped to the text.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..offset].chars().count() + 1;
        LineCol { line, column }
    }

    /// The text of the 1-based line `line`, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        self.text
            .split('\n')
            .nth(line.saturating_sub(1))
            .unwrap_or("")
            .trim_end_matches('\r')
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
    }
}
