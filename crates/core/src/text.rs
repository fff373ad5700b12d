//! Which characters may go into a rendered file, and how to name the ones that may not.
//!
//! Rendered files are line-based (INI, YAML, shell), and their parsers do not agree on what
//! ends a line: libyaml also breaks lines at U+0085, U+2028 and U+2029, so such a
//! character inside a `#` comment turns the rest of the comment into configuration.
//! Invisible characters (bidi controls, zero-width characters) make a file read
//! differently from what it does. So text copied into a file must be printable: no
//! character of the Unicode general categories Cc (controls, NEL included), Cf (format:
//! bidi controls, zero-width characters, U+FEFF), Zl or Zp.
//!
//! The categories come from `unicode-properties` (unicode-rs), whose tables are generated
//! from the Unicode Character Database: Cf gains code points with new Unicode versions, and a
//! hand-kept table would silently fall behind.
//!
//! One rule for the validator (which reports the character with its location) and for the
//! render crate's escapers (which refuse it again, whatever a template prints).

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory as _};

/// Whether `c` must never be copied into a rendered file.
pub fn is_unprintable(c: char) -> bool {
    // ASCII has controls only (C0 and DEL): skip the table lookup for nearly every value.
    if c.is_ascii() {
        return c.is_ascii_control();
    }
    matches!(
        c.general_category(),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    )
}

/// The first character of `text` that must not be copied into a rendered file.
pub fn first_unprintable(text: &str) -> Option<char> {
    if is_printable_ascii(text.as_bytes()) {
        return None;
    }
    text.chars().find(|&c| is_unprintable(c))
}

/// Whether every byte is printable ASCII (0x20 to 0x7e), the case of nearly every value
/// and line a template prints. Checked 16 bytes at a time without an early exit, which
/// the compiler turns into a few vector instructions per block: this runs for every value
/// of every rendered file.
fn is_printable_ascii(bytes: &[u8]) -> bool {
    // 0x20..=0x7e is exactly the bytes b with b - 0x20 (wrapping) below 0x5f.
    let printable = |b: &u8| b.wrapping_sub(0x20) < 0x5f;
    let mut blocks = bytes.chunks_exact(16);
    for block in &mut blocks {
        if !block.iter().fold(true, |all, b| all & printable(b)) {
            return false;
        }
    }
    blocks.remainder().iter().all(printable)
}

/// `c` as users can look it up: `U+2028 (LINE SEPARATOR)`, with the name for the
/// characters met in practice and the general category for the others.
pub fn describe(c: char) -> String {
    let code = u32::from(c);
    let name = match c {
        '\0' => "NULL",
        '\u{7}' => "BELL",
        '\u{8}' => "BACKSPACE",
        '\t' => "a tab",
        '\n' => "a line break",
        '\u{b}' => "LINE TABULATION",
        '\u{c}' => "FORM FEED",
        '\r' => "a carriage return",
        '\u{1b}' => "ESCAPE",
        '\u{7f}' => "DELETE",
        '\u{85}' => "NEXT LINE, a line break in YAML",
        '\u{ad}' => "SOFT HYPHEN",
        '\u{61c}' => "ARABIC LETTER MARK",
        '\u{180e}' => "MONGOLIAN VOWEL SEPARATOR",
        '\u{200b}' => "ZERO WIDTH SPACE",
        '\u{200c}' => "ZERO WIDTH NON-JOINER",
        '\u{200d}' => "ZERO WIDTH JOINER",
        '\u{200e}' => "LEFT-TO-RIGHT MARK",
        '\u{200f}' => "RIGHT-TO-LEFT MARK",
        '\u{2028}' => "LINE SEPARATOR, a line break in YAML",
        '\u{2029}' => "PARAGRAPH SEPARATOR, a line break in YAML",
        '\u{202a}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202b}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202c}' => "POP DIRECTIONAL FORMATTING",
        '\u{202d}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202e}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}' => "WORD JOINER",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{feff}' => "ZERO WIDTH NO-BREAK SPACE, the byte order mark",
        c => match c.general_category() {
            GeneralCategory::Control => "a control character",
            GeneralCategory::Format => "an invisible format character",
            GeneralCategory::LineSeparator => "a line separator",
            GeneralCategory::ParagraphSeparator => "a paragraph separator",
            _ => return format!("U+{code:04X}"),
        },
    };
    format!("U+{code:04X} ({name})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_fast_path_agrees_with_the_character_rule_at_every_position() {
        // Every position of a block of 16 and of the remainder, every ASCII byte and a
        // few non-ASCII characters: the block check must find what the slow path finds.
        for len in [1, 15, 16, 17, 31, 32, 40] {
            for at in 0..len {
                for c in (0u8..=0x7f)
                    .map(char::from)
                    .chain(['é', '\u{85}', '\u{2028}'])
                {
                    let mut text: String = "a".repeat(len);
                    text.replace_range(at..=at, c.encode_utf8(&mut [0; 4]));
                    let expected = text.chars().find(|&ch| is_unprintable(ch));
                    assert_eq!(first_unprintable(&text), expected, "{text:?}");
                }
            }
        }
        assert_eq!(first_unprintable(""), None);
    }

    #[test]
    fn refuses_controls_format_characters_and_separators() {
        for c in [
            '\0',
            '\t',
            '\n',
            '\r',
            '\u{1b}',
            '\u{7f}',
            '\u{85}',
            '\u{9f}',
            '\u{ad}',
            '\u{200b}',
            '\u{200d}',
            '\u{200e}',
            '\u{2028}',
            '\u{2029}',
            '\u{202a}',
            '\u{202e}',
            '\u{2066}',
            '\u{2069}',
            '\u{2060}',
            '\u{feff}',
            '\u{e0001}',
        ] {
            assert!(is_unprintable(c), "{}", describe(c));
        }
    }

    #[test]
    fn keeps_printable_text_of_any_script() {
        for text in [
            "AS64520 GRE peering",
            "Zürich – Genève",
            "東京 IX",
            "Ελληνικά",
            "עברית",
            "peering 🚀",
            "tab\u{a0}nbsp",
            "a\\b",
        ] {
            assert_eq!(first_unprintable(text), None, "{text}");
        }
    }

    #[test]
    fn the_ascii_shortcut_agrees_with_the_categories() {
        for c in (0u8..=0x7f).map(char::from) {
            let by_category = matches!(
                c.general_category(),
                GeneralCategory::Control
                    | GeneralCategory::Format
                    | GeneralCategory::LineSeparator
                    | GeneralCategory::ParagraphSeparator
            );
            assert_eq!(is_unprintable(c), by_category, "{c:?}");
        }
    }

    #[test]
    fn names_the_character() {
        assert_eq!(
            describe('\u{2028}'),
            "U+2028 (LINE SEPARATOR, a line break in YAML)"
        );
        assert_eq!(describe('\n'), "U+000A (a line break)");
        assert_eq!(describe('\u{202e}'), "U+202E (RIGHT-TO-LEFT OVERRIDE)");
        assert_eq!(describe('\u{7}'), "U+0007 (BELL)");
        assert_eq!(describe('\u{2}'), "U+0002 (a control character)");
        assert_eq!(
            describe('\u{e0001}'),
            "U+E0001 (an invisible format character)"
        );
        assert_eq!(first_unprintable("x\u{2028}network: {}"), Some('\u{2028}'));
    }
}
