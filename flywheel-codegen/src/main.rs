//! The `flywheel-codegen` command: see `flywheel-codegen --help`.

fn main() -> std::process::ExitCode {
    flywheel_codegen::cli::run()
}
