//! Branch sites: the decision points of the program.
//!
//! User sites (`if`, `while`, `for`, conditional expressions and the loops
//! and conditions of comprehensions) are numbered from 0 and are what branch
//! coverage counts, here and in CPython (where the same sites are probed by
//! their byte offsets). Internal sites (the operands of `and`/`or`, bounds
//! checks, comparisons inside `sorted` ...) are numbered from
//! [`INTERNAL_BASE`]: the explorer branches on them but coverage ignores them.

pub use symtest_explore::SiteId;

/// A place in the source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    /// Byte offset in the source.
    pub offset: u32,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub col: u32,
}

/// The first internal site's number: user sites are numbered below it.
pub const INTERNAL_BASE: u32 = 1 << 24;

/// The site of pinned values that have no decision point of their own
/// (unpacking fixes a length): assumptions are never explored, so the id
/// only names them.
pub const PIN_SITE: SiteId = SiteId(u32::MAX);

/// The statement or expression a user site is the decision of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SiteKind {
    /// An `if` or `elif` test.
    If,
    /// A `while` test.
    While,
    /// A `for` loop going round once more.
    For,
    /// The test of a conditional expression (`a if t else b`).
    IfExp,
    /// An `if` clause of a comprehension.
    CompIf,
    /// A `for` clause of a comprehension going round once more.
    CompFor,
}

impl SiteKind {
    /// The name CPython-side probes use.
    pub fn name(self) -> &'static str {
        match self {
            SiteKind::If => "if",
            SiteKind::While => "while",
            SiteKind::For => "for",
            SiteKind::IfExp => "ifexp",
            SiteKind::CompIf => "compif",
            SiteKind::CompFor => "compfor",
        }
    }
}

/// A decision point in the program's own code (what coverage counts).
#[derive(Clone, Debug)]
pub struct UserSite {
    /// What decides there.
    pub kind: SiteKind,
    /// Byte offset of the condition (or the loop's iterable): the key the
    /// CPython probe finds the site by.
    pub key: u32,
    /// Where the statement or expression deciding is.
    pub pos: Pos,
    /// Index of the function it is in (into `Module::functions`), if any.
    pub function: Option<usize>,
}

/// Where the length of a symbolic container is decided when an operation
/// consumes it whole (`sorted(xs)`, `sum(xs)`, `', '.join(ws)`): the
/// decisions come first, so runs with other lengths branch there.
pub const LENGTH_SITE: SiteId = SiteId(INTERNAL_BASE);

/// The site assumptions on inputs are reported at.
pub const INPUT_SITE: SiteId = SiteId::DOMAIN;

/// Where a parameter's variant is decided (`int | float`, `Optional`).
pub const VARIANT_SITE: SiteId = SiteId(INTERNAL_BASE + 1);

/// A program's decision points, numbered as the lowering met them.
#[derive(Clone, Debug)]
pub struct Sites {
    /// User sites; site `i` is `SiteId(i)`.
    pub user: Vec<UserSite>,
    /// Internal sites, what each decides and where; site `i` is
    /// `SiteId(INTERNAL_BASE + i)`.
    pub internal: Vec<(&'static str, Pos)>,
}

impl Default for Sites {
    fn default() -> Self {
        Sites {
            user: Vec::new(),
            internal: vec![
                ("length of a container used whole", Pos::default()),
                ("variant of a parameter", Pos::default()),
            ],
        }
    }
}

impl Sites {
    /// Numbers a new user site.
    pub fn add_user(
        &mut self,
        kind: SiteKind,
        key: u32,
        pos: Pos,
        function: Option<usize>,
    ) -> SiteId {
        let id = SiteId(self.user.len() as u32);
        self.user.push(UserSite {
            kind,
            key,
            pos,
            function,
        });
        id
    }

    /// Numbers a new internal site deciding `what`.
    pub fn add_internal(&mut self, what: &'static str, pos: Pos) -> SiteId {
        let id = SiteId(INTERNAL_BASE + self.internal.len() as u32);
        self.internal.push((what, pos));
        id
    }

    /// A user site (coverage counts it).
    pub fn is_user(site: SiteId) -> bool {
        site.0 < INTERNAL_BASE
    }

    /// An internal decision (not an assumption's pseudo-site).
    pub fn is_internal(site: SiteId) -> bool {
        site.0 >= INTERNAL_BASE && site != PIN_SITE && site != SiteId::DOMAIN
    }

    /// What decides at `site` and where (`if at 3:5`), for messages.
    pub fn describe(&self, site: SiteId) -> String {
        if Sites::is_user(site) {
            match self.user.get(site.0 as usize) {
                Some(s) => format!("{} at {}:{}", s.kind.name(), s.pos.line, s.pos.col),
                None => format!("site #{}", site.0),
            }
        } else {
            match self.internal.get((site.0 - INTERNAL_BASE) as usize) {
                Some((what, pos)) => format!("{what} at {}:{}", pos.line, pos.col),
                None => format!("internal site #{}", site.0 - INTERNAL_BASE),
            }
        }
    }

    /// Each direction of `sites` that `covered` says no run took, described
    /// (`if at 3:5 true`); a site's true direction first.
    pub fn missed(
        &self,
        sites: impl IntoIterator<Item = SiteId>,
        covered: impl Fn(SiteId, bool) -> bool,
    ) -> Vec<String> {
        sites
            .into_iter()
            .flat_map(|s| [(s, true), (s, false)])
            .filter(|&(s, d)| !covered(s, d))
            .map(|(s, d)| format!("{} {d}", self.describe(s)))
            .collect()
    }
}
