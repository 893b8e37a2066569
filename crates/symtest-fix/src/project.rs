//! How the module under test is loaded in the sandbox: by its own dotted
//! name, from a folder on `sys.path`, so that the imports of its project
//! resolve as they do when the project runs.

use std::path::{Path, PathBuf};

/// The module a file is, and what the sandbox needs to import it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleSpec {
    /// Its dotted name (`pkg.sub.mod`; `pkg.sub` for `pkg/sub/__init__.py`).
    pub name: String,
    /// The file (its real path when it is in a project).
    pub path: PathBuf,
    /// Whether the file is a package's `__init__.py`.
    pub package: bool,
    /// The import root: the folder put first on `sys.path` in the sandbox,
    /// where the project's own modules are found (read-only there).
    pub root: Option<PathBuf>,
    /// A virtual environment's package folders, for third-party imports
    /// (read-only in the sandbox; their `.pth` files are read).
    pub site: Vec<PathBuf>,
}

impl ModuleSpec {
    /// A module on its own: named after its file, nothing on `sys.path`.
    pub fn standalone(path: &Path) -> ModuleSpec {
        ModuleSpec {
            name: module_name(path),
            path: path.to_path_buf(),
            package: false,
            root: None,
            site: Vec::new(),
        }
    }

    /// The module `path` is in its project, with `site` for third-party
    /// imports. The import root is the folder above the outermost package
    /// (`__init__.py`) holding the file; for a file in no package, the
    /// project's root (the nearest folder above with `pyproject.toml`,
    /// `setup.cfg` or `setup.py`; its `src/` when the file is there) when
    /// the folders between are names a module path can hold, else the
    /// file's own folder.
    pub fn find(path: &Path, site: &[PathBuf]) -> ModuleSpec {
        let mut spec = ModuleSpec::standalone(path);
        spec.site = site.to_vec();
        let Ok(file) = path.canonicalize() else {
            return spec;
        };
        let Some(dir) = file.parent() else {
            return spec;
        };
        let is_init = file.file_name().is_some_and(|n| n == "__init__.py");
        let root = if dir.join("__init__.py").is_file() {
            let mut top = dir;
            while let Some(up) = top.parent().filter(|u| u.join("__init__.py").is_file()) {
                top = up;
            }
            top.parent().map(Path::to_path_buf)
        } else {
            project_root(dir)
                .map(|p| {
                    let src = p.join("src");
                    if file.starts_with(&src) { src } else { p }
                })
                .filter(|r| dotted(r, &file).is_some())
                .or_else(|| Some(dir.to_path_buf()))
        };
        // Never the whole file system.
        let Some(root) = root.filter(|r| r.parent().is_some()) else {
            return spec;
        };
        let Some(name) = dotted(&root, &file) else {
            return spec;
        };
        spec.name = name;
        spec.package = is_init;
        spec.root = Some(root);
        spec.path = file;
        spec
    }

    /// The paths jobs must read: the import root and the packages.
    pub fn read_paths(&self) -> Vec<PathBuf> {
        self.root.iter().chain(&self.site).cloned().collect()
    }
}

/// The nearest folder at or above `dir` that holds a project's metadata.
fn project_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| {
            ["pyproject.toml", "setup.cfg", "setup.py"]
                .iter()
                .any(|f| d.join(f).is_file())
        })
        .map(Path::to_path_buf)
}

/// `a.b.c` for `root/a/b/c.py` (`a.b` for `root/a/b/__init__.py`), when
/// every part is an identifier.
fn dotted(root: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(root).ok()?;
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().to_string())
        .collect();
    let last = parts.pop()?;
    if last != "__init__.py" {
        parts.push(last.strip_suffix(".py")?.to_string());
    }
    (!parts.is_empty() && parts.iter().all(|p| is_identifier(p))).then(|| parts.join("."))
}

/// The package folders of a virtual environment's interpreter (none when
/// `python` is not one: an installation's own packages stay hidden from
/// jobs).
pub fn venv_site_packages(python: &Path) -> Result<Vec<PathBuf>, String> {
    const PROBE: &str = "import json, site, sys\n\
        print(json.dumps(site.getsitepackages() if sys.prefix != sys.base_prefix else []))";
    let out = std::process::Command::new(python)
        .args(["-I", "-c", PROBE])
        .env_clear()
        .output()
        .map_err(|e| format!("running {}: {e}", python.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} failed: {}",
            python.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let dirs: Vec<String> = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("reading {}'s packages: {e}", python.display()))?;
    Ok(dirs
        .into_iter()
        .map(PathBuf::from)
        .filter(|d| d.is_dir())
        .collect())
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

    #[test]
    fn import_roots_of_packages_src_layouts_and_loose_files() {
        let base = std::env::temp_dir().join(format!("symtest-roots-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let write = |rel: &str| {
            let p = base.join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("folders");
            std::fs::write(&p, "").expect("write");
            p
        };
        write("flat/pyproject.toml");
        write("flat/pkg/__init__.py");
        write("flat/pkg/sub/__init__.py");
        let m = write("flat/pkg/sub/mod.py");
        let init = base.join("flat/pkg/sub/__init__.py");
        write("srcl/setup.cfg");
        write("srcl/src/lib/__init__.py");
        let s = write("srcl/src/lib/core.py");
        let ns = write("srcl/src/nspkg/part.py");
        let tool = write("srcl/tools/run-me/go.py");
        let loose = write("loose/dir/x.py");
        let base = base.canonicalize().expect("canonical");
        // `run-me` cannot be part of a module's name: the file's folder.
        for (file, name, package, root) in [
            (m, "pkg.sub.mod", false, "flat"),
            (init, "pkg.sub", true, "flat"),
            (s, "lib.core", false, "srcl/src"),
            (ns, "nspkg.part", false, "srcl/src"),
            (tool, "go", false, "srcl/tools/run-me"),
            (loose, "x", false, "loose/dir"),
        ] {
            let spec = ModuleSpec::find(&file, &[]);
            assert_eq!(
                (spec.name.as_str(), spec.package, spec.root),
                (name, package, Some(base.join(root))),
                "{}",
                file.display()
            );
        }
        std::fs::remove_dir_all(&base).expect("cleanup");
    }
}
