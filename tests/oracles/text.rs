//! Oracles every rendered file must pass whatever its format: only printable text and line
//! breaks, and exactly one line break at the end.

use super::Violation;

/// Characters no rendered file may hold: C0 controls but the line feed, DEL, C1 controls
/// (NEL included), the Unicode line and paragraph separators (YAML 1.1 parsers such as
/// netplan's libyaml break lines there), bidirectional controls that make a reviewer read
/// something else than the tool does, and the byte order mark.
pub fn is_forbidden(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// Checks the characters and the end of one file.
pub fn check(file: &str, contents: &str, out: &mut Vec<Violation>) {
    for (index, line) in contents.split('\n').enumerate() {
        if let Some(c) = line.chars().find(|&c| is_forbidden(c)) {
            out.push(Violation::new(
                "text",
                file,
                index + 1,
                format!("forbidden character U+{:04X} in {line:?}", u32::from(c)),
            ));
        }
    }
    if !contents.ends_with('\n') {
        out.push(Violation::new(
            "text",
            file,
            0,
            "the file does not end with a line break",
        ));
    } else if contents.ends_with("\n\n") {
        out.push(Violation::new(
            "text",
            file,
            0,
            "the file ends with an empty line",
        ));
    }
}
