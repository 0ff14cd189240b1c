//! Generates the models a second time, in build-script mode, into `OUT_DIR` (see `build_mode`
//! in `src/lib.rs`): proof that `flywheel_build` output compiles and matches the CLI's.

fn main() -> Result<(), flywheel_build::Error> {
    flywheel_build::Builder::new()
        .schema_dir("../schemas")
        .serde(true)
        .generate()
}
