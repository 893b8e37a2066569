//! The kinds that are words on the command line and in outcomes (a status,
//! a judge, a reward): each has a `name()`, which is how it is printed and,
//! for those the command line takes, how it is read back.

/// `Display` for a type with a `name(self) -> &'static str`, which is what
/// it prints.
macro_rules! display_by_name {
    ($kind:ident) => {
        impl std::fmt::Display for $kind {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

/// `Display` as [`display_by_name`], and `FromStr` reading a name back
/// among `[variants]`; any other word is refused as an unknown `what`,
/// with the names `expected` listed.
macro_rules! parse_by_name {
    ($kind:ident, [$($variant:ident),+ $(,)?], $what:literal, $expected:literal) => {
        display_by_name!($kind);

        impl std::str::FromStr for $kind {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                [$($kind::$variant),+]
                    .into_iter()
                    .find(|k| k.name() == s)
                    .ok_or_else(|| format!(concat!("unknown ", $what, " '{}' (expected ", $expected, ")"), s))
            }
        }
    };
}

pub(crate) use {display_by_name, parse_by_name};
