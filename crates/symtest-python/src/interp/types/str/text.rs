//! Text operations on concrete strings, in characters (code points) as
//! Python counts them: searching, counting, the cut points of `split`, title
//! case.

use crate::interp::iter::char_len;

/// A character class of the `is...` predicates.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Upper,
    Lower,
    Alpha,
    Digit,
    Space,
    Alnum,
}

/// Whether `c` is in class `k` (Unicode classes, as Python's predicates).
pub(super) fn in_class(c: char, k: Class) -> bool {
    match k {
        Class::Upper => c.is_uppercase(),
        Class::Lower => c.is_lowercase(),
        Class::Alpha => c.is_alphabetic(),
        Class::Digit => c.is_numeric(),
        Class::Space => c.is_whitespace() || ('\x1c'..='\x1f').contains(&c),
        Class::Alnum => c.is_alphanumeric(),
    }
}

/// Whether the ASCII model of characters covers `s` (printable ASCII).
pub(super) fn is_ascii_cased_model(s: &str) -> bool {
    s.chars().all(|c| (' '..='~').contains(&c))
}

/// Positions of `sub` in `s` from `start` before `end`, in characters (-1 if absent).
pub(super) fn find_chars(s: &str, sub: &str, start: i64, end: i64) -> i64 {
    let cs: Vec<char> = s.chars().collect();
    let ps: Vec<char> = sub.chars().collect();
    let n = cs.len() as i64;
    if start > n {
        return -1;
    }
    let end = end.min(n);
    let mut i = start.max(0);
    while i + ps.len() as i64 <= end {
        if cs[i as usize..i as usize + ps.len()] == ps[..] {
            return i;
        }
        i += 1;
    }
    -1
}

/// The last position of `sub` in `s`, in characters (-1 if absent).
pub(super) fn rfind_chars(s: &str, sub: &str) -> i64 {
    let cs: Vec<char> = s.chars().collect();
    let ps: Vec<char> = sub.chars().collect();
    if ps.len() > cs.len() {
        return -1;
    }
    (0..=cs.len() - ps.len())
        .rev()
        .find(|i| cs[*i..*i + ps.len()] == ps[..])
        .map_or(-1, |i| i as i64)
}

/// `s.count(sub)`: non-overlapping occurrences (one more than the length for
/// an empty `sub`).
pub(super) fn count_nonoverlapping(s: &str, sub: &str) -> i64 {
    if sub.is_empty() {
        return char_len(s) as i64 + 1;
    }
    s.matches(sub).count() as i64
}

/// The pieces `split()` / `rsplit()` without a separator cuts `chars` into,
/// as (start, end) positions.
pub(super) fn whitespace_pieces(
    chars: &[char],
    maxsplit: i64,
    from_right: bool,
) -> Vec<(usize, usize)> {
    let ws = |c: char| in_class(c, Class::Space);
    let n = chars.len();
    let mut pieces = Vec::new();
    if !from_right {
        let mut i = 0;
        while i < n {
            while i < n && ws(chars[i]) {
                i += 1;
            }
            if i >= n {
                break;
            }
            if maxsplit >= 0 && pieces.len() as i64 == maxsplit {
                // CPython keeps the remainder's trailing whitespace.
                pieces.push((i, n));
                break;
            }
            let start = i;
            while i < n && !ws(chars[i]) {
                i += 1;
            }
            pieces.push((start, i));
        }
    } else {
        let mut i = n;
        while i > 0 {
            while i > 0 && ws(chars[i - 1]) {
                i -= 1;
            }
            if i == 0 {
                break;
            }
            if maxsplit >= 0 && pieces.len() as i64 == maxsplit {
                // CPython keeps the remainder's leading whitespace.
                pieces.push((0, i));
                break;
            }
            let end = i;
            while i > 0 && !ws(chars[i - 1]) {
                i -= 1;
            }
            pieces.push((i, end));
        }
        pieces.reverse();
    }
    pieces
}

/// The pieces `split(sep)` / `rsplit(sep)` cuts `chars` into, as (start,
/// end) positions.
pub(super) fn sep_pieces(
    chars: &[char],
    sep: &[char],
    maxsplit: i64,
    from_right: bool,
) -> Vec<(usize, usize)> {
    let n = chars.len();
    let k = sep.len();
    let mut cuts: Vec<usize> = Vec::new();
    if !from_right {
        let mut i = 0;
        while i + k <= n {
            if maxsplit >= 0 && cuts.len() as i64 == maxsplit {
                break;
            }
            if chars[i..i + k] == *sep {
                cuts.push(i);
                i += k;
            } else {
                i += 1;
            }
        }
    } else {
        let mut i = n;
        while i >= k {
            if maxsplit >= 0 && cuts.len() as i64 == maxsplit {
                break;
            }
            if chars[i - k..i] == *sep {
                cuts.push(i - k);
                i -= k;
            } else {
                i -= 1;
            }
        }
        cuts.reverse();
    }
    let mut pieces = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for c in cuts {
        pieces.push((start, c));
        start = c + k;
    }
    pieces.push((start, n));
    pieces
}

/// `str.istitle()`.
pub(super) fn is_title(s: &str) -> bool {
    let mut prev_cased = false;
    let mut any = false;
    for c in s.chars() {
        if c.is_uppercase() {
            if prev_cased {
                return false;
            }
            prev_cased = true;
            any = true;
        } else if c.is_lowercase() {
            if !prev_cased {
                return false;
            }
            prev_cased = true;
            any = true;
        } else {
            prev_cased = false;
        }
    }
    any
}

/// `str.title()`: each run of letters capitalised.
pub(super) fn title(s: &str) -> String {
    let mut out = String::new();
    let mut prev_cased = false;
    for c in s.chars() {
        if prev_cased {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        prev_cased = c.is_alphabetic();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_shapes_match_python() {
        let ws = |s: &str, m: i64, r: bool| -> Vec<String> {
            let cs: Vec<char> = s.chars().collect();
            whitespace_pieces(&cs, m, r)
                .into_iter()
                .map(|(a, b)| cs[a..b].iter().collect())
                .collect()
        };
        assert_eq!(ws("  a  b c ", -1, false), ["a", "b", "c"]);
        assert_eq!(ws("  a  b c ", 1, false), ["a", "b c "]);
        assert_eq!(ws("  a  b c ", 1, true), ["  a  b", "c"]);
        assert!(ws("   ", -1, false).is_empty());
        let sp = |s: &str, p: &str, m: i64, r: bool| -> Vec<String> {
            let cs: Vec<char> = s.chars().collect();
            let ps: Vec<char> = p.chars().collect();
            sep_pieces(&cs, &ps, m, r)
                .into_iter()
                .map(|(a, b)| cs[a..b].iter().collect())
                .collect()
        };
        assert_eq!(sp("a,,b", ",", -1, false), ["a", "", "b"]);
        assert_eq!(sp("a,b,c", ",", 1, true), ["a,b", "c"]);
        assert_eq!(sp("", ",", -1, false), [""]);
        assert_eq!(title("hello wORLD 3rd"), "Hello World 3Rd");
        assert!(is_title("Hello World"));
        assert_eq!(find_chars("abcabc", "c", 3, 6), 5);
        assert_eq!(rfind_chars("abcabc", "b"), 4);
    }
}
