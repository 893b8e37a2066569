//! How the module under test is loaded in the sandbox: by its own dotted
//! name, from a folder on `sys.path`, so that the imports of its project
//! resolve as they do when the project runs.

use std::path::{Path, PathBuf};

/// The module a file is, and what the sandbox needs to import it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleSpec {
    /// Its dotted name (`pkg.sub.mod`; `pkg.sub` for `pkg/sub/__init__.py`).
    pub name: String,
    /// The file, as given.
    pub path: PathBuf,
    /// Whether the file is a package's `__init__.py`.
    pub package: bool,
    /// Folders put first on `sys.path` in the sandbox (the import root, a
    /// virtual environment's packages).
    pub sys_path: Vec<PathBuf>,
}

impl ModuleSpec {
    /// A module on its own: named after its file, nothing on `sys.path`.
    pub fn standalone(path: &Path) -> ModuleSpec {
        ModuleSpec {
            name: module_name(path),
            path: path.to_path_buf(),
            package: false,
            sys_path: Vec::new(),
        }
    }
}

/// The file's stem when it is an identifier, else a private name.
fn module_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    if is_identifier(&stem) {
        stem
    } else {
        "__symtest_fix_module__".into()
    }
}

/// Whether `s` can be a module's name (ASCII identifiers; others are rare
/// in module names and are given a private name).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_standalone_module_is_named_after_its_file() {
        assert_eq!(
            ModuleSpec::standalone(Path::new("/a/b/shop.py")).name,
            "shop"
        );
        assert_eq!(
            ModuleSpec::standalone(Path::new("/a/my-file.py")).name,
            "__symtest_fix_module__"
        );
        assert!(is_identifier("_x1") && !is_identifier("1x") && !is_identifier(""));
    }
}
