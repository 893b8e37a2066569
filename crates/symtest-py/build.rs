//! Where the extension module finds libz3.
//!
//! At run time: where the `z3-solver` wheel installs it,
//! `site-packages/z3/lib`, beside the package's own folder
//! (`site-packages/symtest/_symtest.abi3.so`), so no environment variable is
//! needed. The package also loads that library before the extension, so an
//! installation laid out differently still works.
//!
//! At link time: `scripts/setup.sh`'s `.cargo/config.toml` names the
//! library's folder. Without it (`pip install .` in a fresh clone, where
//! `z3-solver` is a build requirement), the folder is asked of the Python
//! that builds the wheel.

use std::env;
use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rustc-link-arg-cdylib=-Wl,-rpath,$ORIGIN/../z3/lib");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=Z3_LIBRARY_PATH_OVERRIDE");
    println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
    if env::var_os("Z3_LIBRARY_PATH_OVERRIDE").is_none()
        && let Some(dir) = z3_wheel_lib()
    {
        println!("cargo:rustc-link-search=native={dir}");
    }
}

/// The `lib` folder of the `z3` package the building Python can import.
fn z3_wheel_lib() -> Option<String> {
    const FIND: &str = "import importlib.util, os\n\
        spec = importlib.util.find_spec('z3')\n\
        print(os.path.join(list(spec.submodule_search_locations)[0], 'lib'))";
    let python = env::var("PYO3_PYTHON").unwrap_or_else(|_| "python3".into());
    let out = Command::new(python).args(["-c", FIND]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let dir = String::from_utf8(out.stdout).ok()?.trim().to_string();
    Path::new(&dir).join("libz3.so").exists().then_some(dir)
}
