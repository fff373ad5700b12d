//! Which files in a folder of peers are peer files: the site file's `[peers] include` and
//! `exclude` patterns, and how to recognise a TOML file that is something else.
//!
//! A folder given on the command line stands for every `*.toml` file below it. A config
//! repo may also keep other TOML files there (a `Cargo.toml`, templates for new peers);
//! the patterns keep them out. They are globs relative to the site file's folder, with
//! `/` between folders:
//!
//! - `*` matches any characters within one file or folder name, `?` exactly one;
//! - `**` as a whole name matches any number of folders (also none);
//! - a pattern without `/` (`Cargo.toml`, `*.template.toml`) matches that name in every
//!   folder; one with `/` matches the path from the site file's folder (a leading `/`
//!   only anchors, as in `.gitignore`);
//! - a pattern that matches a folder matches everything below it; a trailing `/` makes it
//!   match folders only.
//!
//! The language is deliberately this small: character classes, braces, escapes and `!`
//! are refused rather than half-supported, so a pattern means what it reads as. Matching
//! is linear in the path and pattern (greedy with one backtrack point per level), with no
//! regular expressions to compile, so thousands of files cost next to nothing.

/// A validated glob pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    /// The pattern as written.
    text: String,
    /// Its path components; a pattern without `/` starts with [`Part::AnyDepth`].
    parts: Vec<Part>,
    /// Ends in `/`: matches folders only.
    folders_only: bool,
}

/// One path component of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// `**`: any number of components.
    AnyDepth,
    /// A name with `*` and `?`.
    Name(Vec<Token>),
}

/// One character of a name pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// `*`: any run of characters.
    Star,
    /// `?`: one character.
    One,
    /// Itself.
    Literal(char),
}

impl Glob {
    /// Parses a pattern; the error says what is wrong with it.
    pub fn new(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("an empty pattern matches nothing".to_owned());
        }
        if let Some(c) = text
            .chars()
            .find(|c| c.is_control() || matches!(c, '[' | ']' | '{' | '}' | '\\'))
        {
            return Err(format!(
                "{c:?} is not supported in patterns (only *, ? and ** are special)"
            ));
        }
        if text.starts_with('!') {
            return Err(
                "negated patterns are not supported; list the files to skip in exclude instead"
                    .to_owned(),
            );
        }
        let anchored = text.trim_end_matches('/').contains('/');
        let folders_only = text.len() > 1 && text.ends_with('/');
        let body = text.trim_start_matches('/').trim_end_matches('/');
        if body.is_empty() {
            return Err("the pattern names no file or folder".to_owned());
        }
        let mut parts = Vec::new();
        if !anchored {
            parts.push(Part::AnyDepth);
        }
        for name in body.split('/') {
            parts.push(match name {
                "" => return Err("empty folder name (\"//\")".to_owned()),
                "." | ".." => {
                    return Err(format!(
                    "{name:?} is not supported: patterns name files below the site file's folder"
                ))
                }
                "**" => Part::AnyDepth,
                _ if name.contains("**") => {
                    return Err(format!(
                    "\"**\" must be a whole name, as in \"peers/**/*.toml\", not part of {name:?}"
                ))
                }
                _ => Part::Name(
                    name.chars()
                        .map(|c| match c {
                            '*' => Token::Star,
                            '?' => Token::One,
                            c => Token::Literal(c),
                        })
                        .collect(),
                ),
            });
        }
        Ok(Self {
            text: text.to_owned(),
            parts,
            folders_only,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the pattern matches the file at `path` (relative, `/`-separated) or one of
    /// the folders it is in.
    pub fn matches_file(&self, path: &str) -> bool {
        let names: Vec<&str> = path.split('/').collect();
        let folders = names.len().saturating_sub(1);
        (1..=folders).any(|n| self.matches_names(&names[..n]))
            || (!self.folders_only && self.matches_names(&names))
    }

    /// Whether the pattern matches the folder at `path` itself (relative, `/`-separated),
    /// so a walk can skip everything below it.
    pub fn matches_folder(&self, path: &str) -> bool {
        let names: Vec<&str> = path.split('/').collect();
        self.matches_names(&names)
    }

    /// The path components against the pattern's: `**` takes any number, a name exactly
    /// one. On a mismatch only the latest `**` takes one more component; an earlier one
    /// never needs to, since the later one can absorb the same components.
    fn matches_names(&self, names: &[&str]) -> bool {
        let (mut p, mut n) = (0, 0);
        let mut retry: Option<(usize, usize)> = None;
        while n < names.len() {
            match self.parts.get(p) {
                Some(Part::AnyDepth) => {
                    retry = Some((p, n));
                    p += 1;
                }
                Some(Part::Name(tokens)) if name_matches(tokens, names[n]) => {
                    p += 1;
                    n += 1;
                }
                _ => match retry {
                    Some((rp, rn)) => {
                        p = rp + 1;
                        n = rn + 1;
                        retry = Some((rp, rn + 1));
                    }
                    None => return false,
                },
            }
        }
        self.parts[p..].iter().all(|part| *part == Part::AnyDepth)
    }
}

/// One name against a name pattern, with the same backtracking as [`Glob::matches_names`]
/// one level down: `*` takes any characters, `?` and a literal exactly one.
fn name_matches(tokens: &[Token], name: &str) -> bool {
    let chars: Vec<char> = name.chars().collect();
    let (mut t, mut c) = (0, 0);
    let mut retry: Option<(usize, usize)> = None;
    while c < chars.len() {
        match tokens.get(t) {
            Some(Token::Star) => {
                retry = Some((t, c));
                t += 1;
            }
            Some(Token::One) => {
                t += 1;
                c += 1;
            }
            Some(Token::Literal(l)) if *l == chars[c] => {
                t += 1;
                c += 1;
            }
            _ => match retry {
                Some((rt, rc)) => {
                    t = rt + 1;
                    c = rc + 1;
                    retry = Some((rt, rc + 1));
                }
                None => return false,
            },
        }
    }
    tokens[t..].iter().all(|token| *token == Token::Star)
}

/// The site file's choice of peer files among the `*.toml` files found in folders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerSelection {
    /// A file must match one of these (empty: every file).
    pub include: Vec<Glob>,
    /// A file that matches one of these is skipped.
    pub exclude: Vec<Glob>,
}

impl PeerSelection {
    /// Whether the file at `path` (relative to the site file's folder) is a peer file.
    pub fn selects(&self, path: &str) -> bool {
        (self.include.is_empty() || self.include.iter().any(|g| g.matches_file(path)))
            && !self.exclude.iter().any(|g| g.matches_file(path))
    }

    /// Whether everything below the folder at `path` is excluded, so a walk need not
    /// enter it.
    pub fn skips_folder(&self, path: &str) -> bool {
        self.exclude.iter().any(|g| g.matches_folder(path))
    }
}

/// When `text` is TOML but cannot be a peer file (a peer file always has `name` and
/// `kind` at the top), the top-level keys it has instead, so an error can say what the
/// file looks like; `None` when it may be a peer file (with mistakes) or is not TOML.
pub fn not_a_peer_file(text: &str) -> Option<Vec<String>> {
    let table: toml::Table = toml::from_str(text).ok()?;
    if table.contains_key("name") || table.contains_key("kind") {
        return None;
    }
    let mut keys: Vec<String> = table
        .iter()
        .map(|(key, value)| match value {
            toml::Value::Table(_) => format!("[{key}]"),
            _ => key.clone(),
        })
        .collect();
    keys.sort();
    Some(keys)
}

#[cfg(test)]
mod tests {
    use super::{not_a_peer_file, Glob, PeerSelection};

    fn glob(text: &str) -> Glob {
        Glob::new(text).unwrap_or_else(|err| panic!("{text}: {err}"))
    }

    #[test]
    fn a_name_without_slash_matches_in_every_folder() {
        let g = glob("Cargo.toml");
        assert!(g.matches_file("Cargo.toml"));
        assert!(g.matches_file("peers/Cargo.toml"));
        assert!(g.matches_file("peers/a/b/Cargo.toml"));
        assert!(!g.matches_file("peers/NotCargo.toml"));
        assert!(!g.matches_file("peers/Cargo.toml.bak"));
    }

    #[test]
    fn a_path_is_anchored_at_the_site_folder() {
        let g = glob("peers/old.toml");
        assert!(g.matches_file("peers/old.toml"));
        assert!(!g.matches_file("x/peers/old.toml"));
        let g = glob("/Cargo.toml");
        assert!(g.matches_file("Cargo.toml"));
        assert!(!g.matches_file("peers/Cargo.toml"));
    }

    #[test]
    fn star_and_question_mark_stay_within_one_name() {
        let g = glob("peers/*.toml");
        assert!(g.matches_file("peers/a.toml"));
        assert!(g.matches_file("peers/.toml"));
        assert!(!g.matches_file("peers/sub/a.toml"));
        let g = glob("peers/as645??.toml");
        assert!(g.matches_file("peers/as64512.toml"));
        assert!(!g.matches_file("peers/as6451.toml"));
        assert!(!g.matches_file("peers/as645/2.toml"));
        let g = glob("*.template.toml");
        assert!(g.matches_file("peers/x/gre.template.toml"));
        assert!(!g.matches_file("peers/x/gre.toml"));
        assert!(glob("a*b*c").matches_file("aXbYbZc"));
        assert!(!glob("a*b*c").matches_file("aXbYbZ"));
    }

    #[test]
    fn double_star_spans_any_number_of_folders() {
        let g = glob("peers/**/*.toml");
        assert!(g.matches_file("peers/a.toml"));
        assert!(g.matches_file("peers/x/y/a.toml"));
        assert!(!g.matches_file("other/a.toml"));
        assert!(!g.matches_file("peers/a.json"));
        let g = glob("**/templates/**");
        assert!(g.matches_file("templates/a.toml"));
        assert!(g.matches_file("peers/templates/x/a.toml"));
        assert!(!g.matches_file("peers/a.toml"));
        let g = glob("a/**/b/**/c");
        assert!(g.matches_file("a/b/c"));
        assert!(g.matches_file("a/x/b/y/b/z/c"));
        assert!(!g.matches_file("a/x/b/y/d/c.toml"));
        assert!(
            g.matches_file("a/x/b/y/c/d/e"),
            "below the folder a/x/b/y/c"
        );
    }

    #[test]
    fn a_folder_pattern_matches_everything_below() {
        let g = glob("peers/templates");
        assert!(g.matches_file("peers/templates/gre.toml"));
        assert!(g.matches_file("peers/templates/x/gre.toml"));
        assert!(g.matches_folder("peers/templates"));
        assert!(!g.matches_file("peers/templates.toml"));
        let g = glob("templates/");
        assert!(g.matches_file("peers/templates/gre.toml"));
        assert!(!g.matches_file("peers/templates"), "a file is not a folder");
    }

    #[test]
    fn unsupported_syntax_is_refused_with_a_reason() {
        for (text, reason) in [
            ("", "empty"),
            ("/", "names no file"),
            ("peers//a.toml", "//"),
            ("../peers/*.toml", "below the site file's folder"),
            ("peers/./a.toml", "below the site file's folder"),
            ("peers/a**.toml", "whole name"),
            ("peers/[ab].toml", "not supported"),
            ("peers/{a,b}.toml", "not supported"),
            ("peers/a\\*.toml", "not supported"),
            ("!peers/a.toml", "negated"),
            ("peers/a\n.toml", "not supported"),
        ] {
            let err = Glob::new(text).expect_err(text);
            assert!(err.contains(reason), "{text:?}: {err}");
        }
    }

    #[test]
    fn long_patterns_do_not_backtrack_exponentially() {
        let g = glob(&format!("{}b", "*a".repeat(30)));
        let name = "a".repeat(200);
        assert!(!g.matches_file(&name));
        let g = glob(&format!("{}z", "**/a/".repeat(20)));
        let path = vec!["a"; 200].join("/");
        assert!(!g.matches_file(&path));
    }

    #[test]
    fn include_then_exclude() {
        let all = PeerSelection::default();
        assert!(all.selects("peers/a.toml"));
        let some = PeerSelection {
            include: vec![glob("peers/**/*.toml")],
            exclude: vec![glob("Cargo.toml"), glob("peers/templates")],
        };
        assert!(some.selects("peers/a.toml"));
        assert!(some.selects("peers/x/a.toml"));
        assert!(!some.selects("other/a.toml"), "not included");
        assert!(!some.selects("peers/Cargo.toml"), "excluded by name");
        assert!(!some.selects("peers/templates/gre.toml"), "excluded folder");
        assert!(some.skips_folder("peers/templates"));
        assert!(!some.skips_folder("peers"));
    }

    #[test]
    fn recognises_toml_files_of_other_tools() {
        let cargo = "[package]\nname = \"x\"\nversion = \"0.1.0\"\n[dependencies]\n";
        assert_eq!(
            not_a_peer_file(cargo),
            Some(vec!["[dependencies]".to_owned(), "[package]".to_owned()])
        );
        assert_eq!(
            not_a_peer_file("title = \"x\"\n"),
            Some(vec!["title".to_owned()])
        );
        assert_eq!(not_a_peer_file("name = \"gre-a\"\nkynd = \"gre\"\n"), None);
        assert_eq!(not_a_peer_file("kind = \"gre\"\n"), None);
        assert_eq!(not_a_peer_file("name = {{ name }}\n"), None, "not TOML");
    }
}
