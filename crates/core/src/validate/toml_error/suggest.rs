//! "Did you mean …": the known key a mistyped one was meant to be.
//!
//! A suggestion that is wrong is worse than none: `ikey` is not a typo of `key` but GRE's
//! input key, which peergen does not support. So a key is suggested only when it is close
//! relative to its own length: one edit for keys of 4 to 6 characters, two for 7 to 9,
//! and so on, with a swap of two neighbouring letters counting as one edit
//! (Damerau–Levenshtein, optimal string alignment). Keys of 3 characters or fewer
//! (`key`, `ttl`, `mtu`, `vni`) are suggested only for a different case or `_` for `-`.
//! A key written as one part of a longer one (`keepalive`) suggests that key.

/// `public_key` and `Public-Key` mean `public-key`.
pub(crate) fn normalize(key: &str) -> String {
    key.to_ascii_lowercase().replace('_', "-")
}

/// The known key closest in spelling, if it is close enough to be the intended one.
pub(crate) fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let key = normalize(key);
    let length = key.chars().count();
    known
        .iter()
        .filter_map(|k| {
            let most = k.chars().count().saturating_sub(1) / 3;
            // Lengths further apart than the edits allowed cannot be close: skip the
            // table, which matters for generated files with thousands of unknown keys.
            (length.abs_diff(k.chars().count()) <= most)
                .then(|| (distance(&key, k), *k))
                .filter(|(d, _)| *d <= most)
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
        .or_else(|| part_of(&key, known))
}

/// The shortest known key of which `key` is a whole dash-separated part at either end
/// (`keepalive` of `persistent-keepalive`); keys of 3 characters or fewer are too common
/// a part to say anything.
fn part_of<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    if key.len() < 4 {
        return None;
    }
    known
        .iter()
        .filter(|k| {
            k.strip_suffix(key).is_some_and(|rest| rest.ends_with('-'))
                || k.strip_prefix(key)
                    .is_some_and(|rest| rest.starts_with('-'))
        })
        .min_by_key(|k| k.len())
        .copied()
}

/// Edits (insert, delete, replace, swap of neighbours) that turn `a` into `b`.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the table: two back (for swaps), one back, and the current one.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const END: &[&str] = &[
        "endpoint",
        "addresses",
        "port",
        "public-key",
        "private-key-file",
        "private-key",
        "allowed-ips",
    ];

    #[test]
    fn suggests_close_spellings() {
        assert_eq!(closest("adresses", END), Some("addresses"));
        assert_eq!(closest("address", END), Some("addresses"));
        assert_eq!(closest("public_key", END), Some("public-key"));
        assert_eq!(closest("PORT", END), Some("port"));
        assert_eq!(closest("prot", END), Some("port"));
        assert_eq!(closest("endpiont", END), Some("endpoint"));
        assert_eq!(closest("ttl", END), None);
        assert_eq!(
            closest("keepalive", &["persistent-keepalive"]),
            Some("persistent-keepalive")
        );
        assert_eq!(closest("private", END), Some("private-key"));
        assert_eq!(closest("key", END), None);
    }

    #[test]
    fn never_suggests_a_much_shorter_key() {
        assert_eq!(closest("ikey", &["key", "ttl"]), None);
        assert_eq!(closest("okey", &["key", "ttl"]), None);
        assert_eq!(closest("tll", &["key", "ttl"]), None);
        assert_eq!(closest("Key", &["key", "ttl"]), Some("key"));
        assert_eq!(closest("fwmark", &["name", "kind", "mtu"]), None);
    }

    #[test]
    fn counts_a_swap_as_one_edit() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("wiregaurd", "wireguard"), 1);
        assert_eq!(distance("ab", "ba"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("abc", ""), 3);
    }
}
