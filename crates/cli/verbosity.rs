//! How much peergen prints, and the summaries that keep bulk runs readable.
//!
//! By default a run over a thousand peers prints what changed and a summary: no line per
//! unchanged file, and a warning that many files share (the same kind of warning at the
//! same key, a file of a removed peer) is shown a few times and then counted. `-v` prints
//! every file and every warning. Errors are never summarised.
//!
//! The setting is process-wide, like a log level: it is chosen once from the command line
//! and read wherever something is printed (loading, writing, checking), so the loading and
//! output functions need no extra parameter for it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use peergen_core::{Diagnostic, DiagnosticKind, SourceFile};

use crate::present;

static VERBOSE: AtomicBool = AtomicBool::new(false);

/// How many warnings of one group are shown in full before the rest are only counted:
/// enough to see the pattern, few enough for a CI log.
pub const SHOWN_PER_GROUP: usize = 3;

/// Sets `-v`: print every file and every warning.
pub fn set(verbose: bool) {
    VERBOSE.store(verbose, Ordering::Relaxed);
}

/// Whether `-v` was given.
pub fn verbose() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

/// Warnings that validation found in peer files, shown in full the first
/// [`SHOWN_PER_GROUP`] times per kind and key, then counted; [`Warnings::finish`] prints
/// one line per group that was cut short. Files come in sorted order, so which ones are
/// shown does not change from run to run.
#[derive(Default)]
pub struct Warnings {
    /// Per kind and key: how many were met, and the first and last file left out.
    groups: HashMap<(DiagnosticKind, Option<String>), Group>,
    /// The groups in the order they were first met, for a stable summary.
    order: Vec<(DiagnosticKind, Option<String>)>,
}

#[derive(Default)]
struct Group {
    seen: usize,
    first_hidden: Option<String>,
    last_hidden: Option<String>,
}

impl Warnings {
    /// Prints the warnings of one file (all of them with `-v`).
    pub fn show(&mut self, list: &[Diagnostic], source: &SourceFile) {
        if verbose() {
            present::diagnostics(list, source);
            return;
        }
        let mut shown = Vec::with_capacity(list.len());
        for d in list {
            let key = (d.kind, d.field.clone());
            let group = self.groups.entry(key.clone()).or_insert_with(|| {
                self.order.push(key);
                Group::default()
            });
            group.seen += 1;
            if group.seen <= SHOWN_PER_GROUP {
                shown.push(d.clone());
            } else {
                let path = source.path().to_string();
                if group.first_hidden.is_none() {
                    group.first_hidden = Some(path.clone());
                }
                group.last_hidden = Some(path);
            }
        }
        present::diagnostics(&shown, source);
    }

    /// Prints a line for each group of which some warnings were not shown.
    pub fn finish(self) {
        for key in &self.order {
            let Some(group) = self.groups.get(key) else {
                continue;
            };
            let hidden = group.seen.saturating_sub(SHOWN_PER_GROUP);
            if hidden == 0 {
                continue;
            }
            let at = key
                .1
                .as_deref()
                .map_or_else(String::new, |field| format!(" at {field}"));
            let files = match (&group.first_hidden, &group.last_hidden) {
                (Some(first), Some(last)) if first != last => format!("{first} … {last}"),
                (Some(first), _) => first.clone(),
                _ => String::new(),
            };
            present::warning(&format!(
                "{hidden} more of warning[{}]{at}, like the ones above, in {files} (not shown; -v shows each)",
                key.0.code()
            ));
        }
    }
}

/// A run of similar warnings (files of removed peers): the first [`SHOWN_PER_GROUP`]
/// are printed, the rest counted, and [`Capped::finish`] prints one line for them.
#[derive(Default)]
pub struct Capped {
    shown: usize,
    hidden: usize,
}

impl Capped {
    /// Prints `message` as a warning, unless enough of its kind were printed already.
    pub fn warning(&mut self, message: &str) {
        if verbose() || self.shown < SHOWN_PER_GROUP {
            self.shown += 1;
            present::warning(message);
        } else {
            self.hidden += 1;
        }
    }

    /// Prints `summary(n)` as a warning when `n` warnings were left out.
    pub fn finish(self, summary: impl FnOnce(usize) -> String) {
        if self.hidden > 0 {
            present::warning(&summary(self.hidden));
        }
    }
}
