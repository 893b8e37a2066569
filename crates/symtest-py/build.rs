//! The extension module finds libz3 where the `z3-solver` wheel installs it,
//! `site-packages/z3/lib`, beside the package's own folder
//! (`site-packages/symtest/_symtest.abi3.so`): no environment variable is
//! needed. The package also loads that library before the extension, so
//! an installation laid out differently still works.

fn main() {
    println!("cargo:rustc-link-arg-cdylib=-Wl,-rpath,$ORIGIN/../z3/lib");
    println!("cargo:rerun-if-changed=build.rs");
}
