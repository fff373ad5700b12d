//! Output escaping per file format, applied to every `{{ value }}` by the template
//! environment, so no input can add a line to a config file or a command to a script,
//! whatever a template (built-in or user-supplied) does.
//!
//! Validation already refuses such input; this is the second line of defence, for values a
//! template computes or prints in ways the built-in templates do not:
//!
//! - every format: a value with a character that is not printable text (Unicode categories
//!   Cc, Cf, Zl, Zp: line breaks, NEL, U+2028/U+2029, bidi controls, zero-width
//!   characters) is an error, because some parser reads it as a line break (libyaml breaks
//!   lines at NEL, U+2028 and U+2029) or it hides text;
//! - shell scripts ([`Format::Sh`]): every value is shell-quoted unless it consists only of
//!   characters that are literal in POSIX sh (no globs, no tilde, no braces);
//! - YAML ([`Format::Yaml`]): strings are emitted as double-quoted scalars (JSON escaping is
//!   valid YAML), numbers and booleans as they are;
//! - TOML ([`Format::Toml`], the starter peer file): every value is a TOML value: strings are
//!   basic strings (`"…"`, with `\uXXXX` for anything that is not printable text), lists
//!   arrays, maps inline tables, numbers and booleans as they are; the `toml_key` filter
//!   writes a table or key name bare when TOML allows, else quoted;
//! - Markdown ([`Format::Markdown`], the handoff README): every ASCII character Markdown
//!   or HTML gives a meaning (`\\`, backticks, `*`, `_`, `[`, `]`, `<`, `>`, `|`, `&`, `#`,
//!   `!`, `~`, `{`, `}`) is backslash-escaped, so a value is always literal text, in a table cell
//!   too; the `code` filter writes a code span that no backtick in the value can end;
//! - key=value formats ([`Format::Ini`], [`Format::WgQuick`]): a value ending in a
//!   backslash is an error, because systemd joins the next line to it; in wg-quick files so
//!   is a `#`, because wg-quick cuts every line at the first `#`.
//!
//! - BIRD ([`Format::Bird`]): templates put strings in double quotes; a value with `"` or
//!   `\` is an error, because it would end the string or start an escape in it;
//! - FRR ([`Format::Frr`]): FRR has no quoting and drops a line it cannot parse without
//!   failing, so every value must be one word of printable ASCII without `!` or `#`
//!   (comments), quotes or backslash ([`is_frr_word_char`]).
//!
//! The format comes from the template's id ([`crate::templates::TemplateId`]), never from
//! its file name.
//!
//! Comment text goes through the `comment` filter (never quoted, never multi-line, never
//! ending in a backslash).

use minijinja::value::{Value, ValueKind};
use minijinja::{Error, ErrorKind, Output, State};
use peergen_core::text;

use crate::format::Format;

/// Characters that need no quoting in POSIX sh, anywhere in a word. Not `[`, `]`, `*`, `?`
/// (globs), `~` (home directory at the start of a word), `{`, `}` (brace expansion in bash),
/// nor any other character the shell gives a meaning.
fn is_shell_literal(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c)
}

/// Quotes `s` for POSIX sh: bare when every character is literal, else single-quoted.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(is_shell_literal) {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A YAML double-quoted scalar. Every character that is not printable text is escaped
/// (`\u2028`, not the raw character, which libyaml would read as a line break).
pub fn yaml_quote(s: &str) -> String {
    double_quoted(s, false)
}

/// A TOML basic string. Every character that is not printable text is escaped as
/// `\uXXXX` (`\UXXXXXXXX` above the BMP): TOML refuses raw control characters in a basic
/// string, and an escape keeps invisible ones visible.
pub fn toml_quote(s: &str) -> String {
    double_quoted(s, true)
}

/// `s` in double quotes with `"` and `\` backslash-escaped and every character that is not
/// printable text as `\uXXXX` / `\UXXXXXXXX`: the same escapes in YAML and TOML, which
/// differ only in the case of the hex digits peergen has always written for each.
fn double_quoted(s: &str, upper_hex: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if text::is_unprintable(c) => {
                let code = u32::from(c);
                let escape = match (code <= 0xffff, upper_hex) {
                    (true, false) => format!("\\u{code:04x}"),
                    (true, true) => format!("\\u{code:04X}"),
                    (false, false) => format!("\\U{code:08x}"),
                    (false, true) => format!("\\U{code:08X}"),
                };
                out.push_str(&escape);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML key: bare when it is only ASCII letters, digits, `-` and `_`, else quoted.
pub fn toml_key(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        s.to_owned()
    } else {
        toml_quote(s)
    }
}

/// `value` written as a TOML value.
fn toml_value(value: &Value) -> Result<String, Error> {
    let items = || {
        value.try_iter().map_err(|_| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("cannot write {value} as a TOML value"),
            )
        })
    };
    Ok(match value.kind() {
        ValueKind::String => toml_quote(value.as_str().unwrap_or_default()),
        // minijinja prints booleans as `True` and `False`.
        ValueKind::Bool => value.is_true().to_string(),
        ValueKind::Number => value.to_string(),
        ValueKind::Seq | ValueKind::Iterable => {
            let items: Result<Vec<String>, Error> = items()?.map(|v| toml_value(&v)).collect();
            format!("[{}]", items?.join(", "))
        }
        ValueKind::Map => {
            let mut pairs = Vec::new();
            for key in items()? {
                let item = value.get_item(&key)?;
                pairs.push(format!(
                    "{} = {}",
                    toml_key(&key.to_string()),
                    toml_value(&item)?
                ));
            }
            if pairs.is_empty() {
                "{}".to_owned()
            } else {
                format!("{{ {} }}", pairs.join(", "))
            }
        }
        _ => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("cannot write {value} as a TOML value"),
            ))
        }
    })
}

/// The `toml_key` filter: a table or key name in a TOML file (`[{{ side | toml_key }}]`).
pub fn toml_key_filter(value: &Value) -> Result<Value, Error> {
    let text = text_of(value);
    refuse_unprintable("a TOML key", &text)?;
    Ok(Value::from_safe_string(toml_key(&text)))
}

/// Refuses text that must not reach a file of any format: a character that is not
/// printable text.
fn refuse_unprintable(what: &str, text: &str) -> Result<(), Error> {
    match text::first_unprintable(text) {
        Some(c) => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "refusing to write {what} with {}, which is not printable text: {text:?}",
                text::describe(c)
            ),
        )),
        None => Ok(()),
    }
}

/// Refuses a value ending in a backslash, which continues the line in systemd files.
fn refuse_trailing_backslash(what: &str, text: &str) -> Result<(), Error> {
    if text.trim_end().ends_with('\\') {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "refusing to write {what} ending in a backslash, which would join the next line to it: {text:?}"
            ),
        ));
    }
    Ok(())
}

/// Refuses a `#` in a wg-quick file, which cuts every line at its first `#`.
fn refuse_hash(format: Option<Format>, text: &str) -> Result<(), Error> {
    if format == Some(Format::WgQuick) && text.contains('#') {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("refusing to write a value with '#' into a wg-quick file, which cuts the line there: {text:?}"),
        ));
    }
    Ok(())
}

/// Whether `c` may be part of a value in an FRR file: printable ASCII other than space,
/// `!` and `#` (comment starters), quotes and backslash. FRR reads words separated by
/// spaces and has no quoting, so anything else could add a word or hide the rest of the
/// line. The same set as passwords ([`peergen_core::bgp::PASSWORD_FORBIDDEN`]).
pub fn is_frr_word_char(c: char) -> bool {
    c.is_ascii_graphic() && !matches!(c, '!' | '#' | '"' | '\'' | '\\')
}

/// Refuses a value the daemon formats cannot hold: in BIRD a `"` or `\` (templates put
/// strings in double quotes), in FRR anything but one word of [`is_frr_word_char`].
fn refuse_daemon_unsafe(format: Option<Format>, text: &str) -> Result<(), Error> {
    let bad = match format {
        Some(Format::Bird) => text.chars().find(|c| matches!(c, '"' | '\\')),
        Some(Format::Frr) if text.is_empty() => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                "refusing to write an empty value into an FRR file, which has no quoting",
            ))
        }
        Some(Format::Frr) => text.chars().find(|c| !is_frr_word_char(*c)),
        _ => None,
    };
    match bad {
        Some(c) => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "refusing to write a value with {c:?} into a {} file, which cannot quote it: {text:?}",
                if format == Some(Format::Bird) { "BIRD" } else { "FRR" }
            ),
        )),
        None => Ok(()),
    }
}

/// ASCII characters that Markdown (CommonMark with GitHub's tables and strikethrough) or
/// HTML give a meaning inside a line. Each may be backslash-escaped in CommonMark, which
/// then shows it as it is. `.`, `-`, `+`, `(`, `)` only matter at the start of a line or
/// after a link, where no value is written, so addresses and paths stay readable.
const MARKDOWN_SPECIALS: &str = "\\`*_[]<>|&#!~{}";

/// `s` as literal Markdown text: every special character backslash-escaped.
pub fn markdown_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if MARKDOWN_SPECIALS.contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `s` as a Markdown code span: delimited by one more backtick than the longest run of
/// backticks in it (padded with a space when it starts or ends with one), and with `|`
/// written `\|`, which GitHub's tables need even inside code spans.
pub fn markdown_code(s: &str) -> String {
    if s.is_empty() {
        return "` `".to_owned();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", s.replace('|', "\\|"))
}

/// The `code` filter: a value as a Markdown code span (see [`markdown_code`]).
pub fn code_filter(value: &Value) -> Result<Value, Error> {
    let text = text_of(value);
    refuse_unprintable("a code span", &text)?;
    Ok(Value::from_safe_string(markdown_code(&text)))
}

/// The formatter installed in the environment.
pub fn format(out: &mut Output, state: &State, value: &Value) -> Result<(), Error> {
    if value.is_undefined() || value.is_none() {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            "a template printed an undefined or none value",
        ));
    }
    // A non-negative integer is its digits in every format, which every check accepts
    // and no format quotes: written without a string in between.
    if value.is_integer() {
        if let Some(n) = value.as_i64().filter(|n| *n >= 0) {
            return out.write_fmt(format_args!("{n}")).map_err(Error::from);
        }
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
    refuse_unprintable("a value", text)?;
    let format = Format::of(state.auto_escape());
    if format.is_some_and(Format::joins_lines_at_backslash) {
        refuse_trailing_backslash("a value", text)?;
    }
    // Comment text (safe, from the `comment` filter) may hold a `#`; values may not.
    if !value.is_safe() {
        refuse_hash(format, text)?;
        refuse_daemon_unsafe(format, text)?;
    }
    let result = match format {
        _ if value.is_safe() => out.write_str(text),
        Some(Format::Sh) => out.write_str(&shell_quote(text)),
        Some(Format::Yaml) if value.kind() == ValueKind::String => out.write_str(&yaml_quote(text)),
        Some(Format::Toml) => out.write_str(&toml_value(value)?),
        Some(Format::Markdown) => out.write_str(&markdown_escape(text)),
        _ => out.write_str(text),
    };
    result.map_err(Error::from)
}

/// The `comment` filter: text for a comment line, written as it is in every format.
/// A character that is not printable text (a line break could turn the rest into
/// configuration) or a trailing backslash is an error.
pub fn comment_filter(value: &Value) -> Result<Value, Error> {
    let text = text_of(value);
    refuse_unprintable("a comment", &text)?;
    refuse_trailing_backslash("a comment", &text)?;
    Ok(Value::from_safe_string(text.into_owned()))
}

/// A value's text: borrowed from a string, formatted otherwise (filters run for every
/// comment line of every file, and most of them are given strings).
fn text_of(value: &Value) -> std::borrow::Cow<'_, str> {
    match value.as_str() {
        Some(text) => std::borrow::Cow::Borrowed(text),
        None => std::borrow::Cow::Owned(value.to_string()),
    }
}

/// The `sh` filter: shell-quotes a value inside a non-shell file (wg-quick's `PostUp`).
/// Quoting does not protect a `#` in wg-quick's `PostUp`: wg-quick cuts the line before the
/// shell sees it.
pub fn sh_filter(state: &State, value: &Value) -> Result<Value, Error> {
    let text = text_of(value);
    refuse_unprintable("a shell word", &text)?;
    refuse_hash(Format::of(state.auto_escape()), &text)?;
    Ok(Value::from_safe_string(shell_quote(&text)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::Environment;

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
    fn shell_quoting_quotes_globs_tilde_and_braces() {
        for word in [
            "a[b]", "[ab]", "a]", "*", "a*", "?", "a?b", "~", "~root", "{a,b}", "a{b", "}", "!x",
            "a#b", "#", "a&b", "a|b", "a<b", "a>b", "a(b", "a)b", "\\", "a\"b", "`id`", "a^b",
        ] {
            let quoted = shell_quote(word);
            assert!(
                quoted.starts_with('\'') && quoted.ends_with('\''),
                "{word} must be quoted, got {quoted}"
            );
        }
    }

    #[test]
    fn yaml_quoting() {
        assert_eq!(yaml_quote("fe80::1/64"), "\"fe80::1/64\"");
        assert_eq!(yaml_quote("a\"b\\\n"), "\"a\\\"b\\\\\\u000a\"");
    }

    #[test]
    fn yaml_quoting_never_emits_a_raw_yaml_line_break_or_invisible_character() {
        assert_eq!(yaml_quote("x\u{2028}y"), "\"x\\u2028y\"");
        assert_eq!(yaml_quote("x\u{2029}y"), "\"x\\u2029y\"");
        assert_eq!(yaml_quote("x\u{85}y"), "\"x\\u0085y\"");
        assert_eq!(yaml_quote("x\u{202e}y"), "\"x\\u202ey\"");
        assert_eq!(yaml_quote("x\u{feff}y"), "\"x\\ufeffy\"");
        assert_eq!(yaml_quote("x\u{e0001}y"), "\"x\\U000e0001y\"");
        assert_eq!(yaml_quote("Zürich 東京"), "\"Zürich 東京\"");
    }

    #[test]
    fn toml_quoting() {
        assert_eq!(toml_quote("peer0"), "\"peer0\"");
        assert_eq!(toml_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(toml_quote("x\ny\tz"), "\"x\\u000Ay\\u0009z\"");
        assert_eq!(
            toml_quote("x\u{7f}\u{2028}\u{feff}"),
            "\"x\\u007F\\u2028\\uFEFF\""
        );
        assert_eq!(toml_quote("x\u{e0001}"), "\"x\\U000E0001\"");
        assert_eq!(toml_quote("Zürich 東京"), "\"Zürich 東京\"");
    }

    #[test]
    fn toml_strings_read_back_as_written() {
        for text in [
            "a\"b",
            "C:\\keys\\",
            "x\ny",
            "x\u{2028}y",
            "#1 'q'",
            "Zürich 東京",
            "",
        ] {
            let parsed: toml::Table = toml::from_str(&format!("k = {}", toml_quote(text))).unwrap();
            assert_eq!(parsed["k"].as_str(), Some(text), "{text:?}");
        }
    }

    #[test]
    fn markdown_values_are_literal_text() {
        assert_eq!(markdown_escape("fe80::1/64"), "fe80::1/64");
        assert_eq!(
            markdown_escape("/etc/wireguard/wg-x.key"),
            "/etc/wireguard/wg-x.key"
        );
        assert_eq!(markdown_escape("a|b"), "a\\|b");
        assert_eq!(
            markdown_escape("<script>*x* [l](u) `c` a_b & #1 !~\\"),
            "\\<script\\>\\*x\\* \\[l\\](u) \\`c\\` a\\_b \\& \\#1 \\!\\~\\\\"
        );
    }

    #[test]
    fn markdown_code_spans_survive_backticks_and_pipes() {
        assert_eq!(markdown_code("wg show"), "`wg show`");
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`x`"), "`` `x` ``");
        assert_eq!(markdown_code("a|b"), "`a\\|b`");
        assert_eq!(markdown_code(""), "` `");
    }

    #[test]
    fn markdown_refuses_unprintable_text() {
        let err = render(Format::Markdown, "{{ v }}", "a\nb").unwrap_err();
        assert!(err.to_string().contains("not printable"), "{err}");
        let mut env = Environment::new();
        env.add_filter("code", code_filter);
        env.add_template("t", "{{ v | code }}").unwrap();
        let err = env
            .get_template("t")
            .unwrap()
            .render(minijinja::context! { v => "x\u{202e}y" })
            .unwrap_err();
        assert!(err.to_string().contains("not printable"), "{err}");
    }

    #[test]
    fn toml_keys_are_bare_only_when_toml_allows() {
        assert_eq!(toml_key("local"), "local");
        assert_eq!(toml_key("ip6gre"), "ip6gre");
        assert_eq!(toml_key("underlay-mtu"), "underlay-mtu");
        assert_eq!(toml_key("a.b"), "\"a.b\"");
        assert_eq!(toml_key("a b"), "\"a b\"");
        assert_eq!(toml_key(""), "\"\"");
    }

    #[test]
    fn toml_files_write_every_value_as_a_toml_value() {
        let mut env = Environment::new();
        env.set_keep_trailing_newline(true);
        env.set_auto_escape_callback(|_| Format::Toml.auto_escape());
        env.set_formatter(format);
        env.add_filter("toml_key", toml_key_filter);
        env.add_template(
            "init/peer.toml.j2",
            "[{{ t | toml_key }}]\ns = {{ s }}\nn = {{ n }}\nb = {{ b }}\nl = {{ l }}\nm = {{ m }}\n",
        )
        .unwrap();
        let text = env
            .get_template("init/peer.toml.j2")
            .unwrap()
            .render(minijinja::context! {
                t => "a b",
                s => "say \"hi\"",
                n => 4789,
                b => true,
                l => vec!["192.0.2.0/31", "2001:db8::1/64"],
                m => minijinja::context! { to => "192.0.2.0/24", metric => 100 },
            })
            .unwrap();
        assert_eq!(
            text,
            "[\"a b\"]\ns = \"say \\\"hi\\\"\"\nn = 4789\nb = true\nl = [\"192.0.2.0/31\", \"2001:db8::1/64\"]\nm = { to = \"192.0.2.0/24\", metric = 100 }\n"
        );
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(parsed["a b"]["m"]["metric"].as_integer(), Some(100));
    }

    /// Renders `source` as a template of `format`, with `value` as `v`, through the
    /// environment's escaping.
    fn render(file_format: Format, source: &str, value: &str) -> Result<String, Error> {
        let name = "t.j2";
        let mut env = Environment::new();
        env.set_keep_trailing_newline(true);
        env.set_auto_escape_callback(move |_| file_format.auto_escape());
        env.set_formatter(format);
        env.add_filter("sh", sh_filter);
        env.add_filter("comment", comment_filter);
        env.add_template_owned(name.to_owned(), source.to_owned())?;
        env.get_template(name)?
            .render(minijinja::context! { v => value })
    }

    /// Every format, with a value printed bare and as a comment.
    const FORMATS: [(Format, &str); 6] = [
        (Format::Ini, "Description={{ v }}\n# {{ v | comment }}\n"),
        (
            Format::WgQuick,
            "PostUp = wg set %i private-key {{ v | sh }}\n# {{ v | comment }}\n",
        ),
        (Format::Yaml, "# {{ v | comment }}\nkey: {{ v }}\n"),
        (Format::Sh, "# {{ v | comment }}\nip link del dev {{ v }}\n"),
        (Format::Sh, "ip link del dev {{ v | sh }}\n"),
        (Format::Toml, "# {{ v | comment }}\ndescription = {{ v }}\n"),
    ];

    #[test]
    fn every_format_refuses_characters_that_are_not_printable_text() {
        for bad in [
            "x\u{2028}network: {}",
            "x\u{2029}y",
            "x\u{85}y",
            "x\ny",
            "x\ry",
            "x\u{7}y",
            "x\u{202e}y",
            "x\u{2066}y",
            "x\u{200b}y",
            "x\u{feff}y",
        ] {
            for (name, source) in FORMATS {
                let err = render(name, source, bad).expect_err(&format!("{name:?}"));
                assert!(
                    err.to_string().contains("not printable text"),
                    "{name:?}: {bad:?}: {err:#}"
                );
            }
            // Printed bare, and as a comment alone: each path refuses on its own.
            for (name, source) in [
                (Format::Ini, "Name={{ v }}\n"),
                (Format::Ini, "# {{ v | comment }}\n"),
                (Format::Yaml, "key: {{ v }}\n"),
                (Format::Yaml, "# {{ v | comment }}\n"),
                (Format::Sh, "ip link del dev {{ v }}\n"),
                (Format::WgQuick, "PostUp = echo {{ v | sh }}\n"),
            ] {
                assert!(
                    render(name, source, bad).is_err(),
                    "{name:?}: {source}: {bad:?}"
                );
            }
        }
    }

    #[test]
    fn bird_files_refuse_what_would_leave_a_double_quoted_string() {
        for bad in ["a\"; export all; \"", "a\\", "x\ny"] {
            let err = render(Format::Bird, "  password \"{{ v }}\";\n", bad).unwrap_err();
            assert!(err.to_string().contains("refusing"), "{bad:?}: {err:#}");
        }
        assert_eq!(
            render(Format::Bird, "  interface \"{{ v }}\";\n", "wg-as.64512").unwrap(),
            "  interface \"wg-as.64512\";\n"
        );
        // A comment may hold a quote: it is not inside a string.
        render(Format::Bird, "# {{ v | comment }}\n", "AS64520 \"transit\"").unwrap();
    }

    #[test]
    fn frr_files_take_one_word_of_safe_ascii_only() {
        for bad in [
            "a b", "a!b", "a#b", "a\"b", "a'b", "a\\b", "", "Zürich", "a\tb",
        ] {
            let err = render(Format::Frr, " neighbor X password {{ v }}\n", bad).unwrap_err();
            assert!(err.to_string().contains("refusing"), "{bad:?}: {err:#}");
        }
        assert_eq!(
            render(
                Format::Frr,
                " neighbor X password {{ v }}\n",
                "Zx8q-pR3t.Lw7v$%&"
            )
            .unwrap(),
            " neighbor X password Zx8q-pR3t.Lw7v$%&\n"
        );
        for c in peergen_core::bgp::PASSWORD_FORBIDDEN {
            assert!(!is_frr_word_char(*c), "{c:?}");
        }
    }

    #[test]
    fn every_format_writes_printable_text_of_any_script() {
        for (name, source) in FORMATS {
            render(name, source, "Zürich 東京 peering").unwrap();
        }
    }

    #[test]
    fn key_value_files_and_comments_refuse_a_trailing_backslash() {
        for (name, source) in [
            (Format::Ini, "Description={{ v }}\n"),
            (Format::Ini, "# {{ v | comment }}\n"),
            (Format::WgQuick, "Endpoint = {{ v }}\n"),
            (Format::Sh, "# {{ v | comment }}\n"),
            (Format::Yaml, "# {{ v | comment }}\n"),
        ] {
            let err = render(name, source, "peering \\").expect_err(&format!("{name:?}"));
            assert!(err.to_string().contains("backslash"), "{name:?}: {err:#}");
        }
        // Inside a value, a backslash is plain text; YAML and sh quote it.
        assert_eq!(
            render(Format::Ini, "Description={{ v }}\n", "a\\b").unwrap(),
            "Description=a\\b\n"
        );
        assert_eq!(
            render(Format::Yaml, "key: {{ v }}\n", "a \\").unwrap(),
            "key: \"a \\\\\"\n"
        );
    }

    #[test]
    fn wg_quick_files_refuse_a_hash_in_values_even_shell_quoted() {
        for source in [
            "PostUp = wg set %i private-key {{ v | sh }}\n",
            "PrivateKeyFile = {{ v }}\n",
        ] {
            let err = render(Format::WgQuick, source, "/etc/wireguard/a#b.key").expect_err(source);
            assert!(err.to_string().contains('#'), "{err:#}");
        }
        // A comment may say '#'; networkd does not cut values at '#'.
        render(Format::WgQuick, "# {{ v | comment }}\n", "AS64520 #1").unwrap();
        render(Format::Ini, "Description={{ v }}\n", "AS64520 #1").unwrap();
    }

    #[test]
    fn shell_scripts_quote_globs_from_values() {
        assert_eq!(
            render(Format::Sh, "ip link del dev {{ v }}\n", "wg[0]").unwrap(),
            "ip link del dev 'wg[0]'\n"
        );
        assert_eq!(
            render(Format::WgQuick, "PostUp = echo {{ v | sh }}\n", "*").unwrap(),
            "PostUp = echo '*'\n"
        );
    }
}
