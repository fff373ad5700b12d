//! Output escaping per file format, applied to every `{{ value }}` by the template
//! environment, so no input can add a line to a config file or a command to a script,
//! whatever a template (built-in or user-supplied) does.
//!
//! - shell scripts (`*.sh.j2`): every value is shell-quoted unless it consists only of
//!   characters that are literal in POSIX sh;
//! - YAML (`*.yaml.j2`): strings are emitted as double-quoted scalars (JSON escaping is
//!   valid YAML), numbers and booleans as they are;
//! - key=value formats (everything else): a value containing a control character is an
//!   error, because these formats end a value at the line break.
//!
//! Comment text goes through the `comment` filter (never quoted, never multi-line).

use minijinja::value::{Value, ValueKind};
use minijinja::{AutoEscape, Error, ErrorKind, Output, State};

/// The escaping mode for a template, chosen from its file name.
pub fn auto_escape_for(name: &str) -> AutoEscape {
    if name.ends_with(".sh.j2") {
        AutoEscape::Custom("sh")
    } else if name.ends_with(".yaml.j2") {
        AutoEscape::Custom("yaml")
    } else {
        AutoEscape::Custom("ini")
    }
}

/// Characters that need no quoting in POSIX sh, anywhere in a word.
fn is_shell_literal(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_@%+=:,./-[]".contains(c)
}

/// Quotes `s` for POSIX sh: bare when every character is literal, else single-quoted.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(is_shell_literal) {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A YAML double-quoted scalar.
pub fn yaml_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The formatter installed in the environment.
pub fn format(out: &mut Output, state: &State, value: &Value) -> Result<(), Error> {
    if value.is_undefined() || value.is_none() {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            "a template printed an undefined or none value",
        ));
    }
    // Strings are borrowed, not copied: this runs for every value of every file.
    let owned;
    let text: &str = match value.as_str() {
        Some(text) => text,
        None => {
            owned = value.to_string();
            &owned
        }
    };
    let mode = state.auto_escape();
    if let AutoEscape::Custom("ini") = mode {
        if text.chars().any(|c| c.is_control()) {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("refusing to write a value with a control character: {text:?}"),
            ));
        }
    }
    let result = match mode {
        _ if value.is_safe() && !matches!(mode, AutoEscape::Custom("ini")) => out.write_str(text),
        AutoEscape::Custom("sh") if !text.is_empty() && text.chars().all(is_shell_literal) => {
            out.write_str(text)
        }
        AutoEscape::Custom("sh") => out.write_str(&shell_quote(text)),
        AutoEscape::Custom("yaml") if value.kind() == ValueKind::String => {
            out.write_str(&yaml_quote(text))
        }
        _ => out.write_str(text),
    };
    result.map_err(Error::from)
}

/// The `comment` filter: text for a comment line, written as it is in every format.
/// A control character (a line break could turn the rest into configuration) is an error.
pub fn comment_filter(value: &Value) -> Result<Value, Error> {
    let text = value.to_string();
    if text.chars().any(|c| c.is_control()) {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("refusing to write a comment with a control character: {text:?}"),
        ));
    }
    Ok(Value::from_safe_string(text))
}

/// The `sh` filter: shell-quotes a value inside a non-shell file (wg-quick's `PostUp`).
pub fn sh_filter(value: &Value) -> Value {
    Value::from_safe_string(shell_quote(&value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting() {
        assert_eq!(
            shell_quote("/etc/wireguard/wg0.key"),
            "/etc/wireguard/wg0.key"
        );
        assert_eq!(shell_quote("fe80::1/64"), "fe80::1/64");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("x; rm -rf /"), "'x; rm -rf /'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote("$(id)"), "'$(id)'");
        assert_eq!(shell_quote("a\nb"), "'a\nb'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("-6"), "-6");
    }

    #[test]
    fn yaml_quoting() {
        assert_eq!(yaml_quote("fe80::1/64"), "\"fe80::1/64\"");
        assert_eq!(yaml_quote("a\"b\\\n"), "\"a\\\"b\\\\\\u000a\"");
    }
}
