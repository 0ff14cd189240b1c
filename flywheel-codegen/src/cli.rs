//! The `flywheel-codegen` command line, callable from tests without a process.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::builder::Builder;
use crate::error::Error;
use crate::paths::slash_path;

const USAGE: &str = "\
Generates typed DynamoDB models for Rust from TOML schemas.

Usage: flywheel-codegen [OPTIONS] <SCHEMAS>... -o <DIR>

Arguments:
  <SCHEMAS>...     schema directories (every *.toml under them) or schema files

Options:
  -o, --out <DIR>  directory to write the module tree into (mod.rs + one file per schema)
      --check      write nothing; exit 1 if the files in <DIR> differ from a fresh run
      --serde      derive serde's Serialize and Deserialize on the generated types
                   (needs flywheel-runtime's `serde` feature)
      --runtime-path <PATH>
                   the path the generated code reaches flywheel-runtime by, for a crate
                   that re-exports or renames it (default: ::flywheel_runtime)
  -h, --help       print this help
  -V, --version    print the version

Exit codes: 0 success, 1 schema errors or drift, 2 usage error, 101 internal bug.
";

/// Exit code for success.
pub const OK: u8 = 0;
/// Exit code for schema errors or drift.
pub const FAILED: u8 = 1;
/// Exit code for a usage error.
pub const USAGE_ERROR: u8 = 2;
/// Exit code for a bug in the generator.
pub const INTERNAL: u8 = 101;

struct Args {
    inputs: Vec<PathBuf>,
    out: Option<PathBuf>,
    check: bool,
    serde: bool,
    runtime_path: Option<String>,
}

enum Parsed {
    Run(Args),
    Help,
    Version,
}

fn parse(args: Vec<OsString>) -> Result<Parsed, lexopt::Error> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut parsed = Args {
        inputs: Vec::new(),
        out: None,
        check: false,
        serde: false,
        runtime_path: None,
    };
    while let Some(arg) = parser.next()? {
        match arg {
            Short('o') | Long("out") => parsed.out = Some(parser.value()?.into()),
            Long("check") => parsed.check = true,
            Long("serde") => parsed.serde = true,
            Long("runtime-path") => parsed.runtime_path = Some(parser.value()?.string()?),
            Short('h') | Long("help") => return Ok(Parsed::Help),
            Short('V') | Long("version") => return Ok(Parsed::Version),
            Value(v) => parsed.inputs.push(v.into()),
            _ => return Err(arg.unexpected()),
        }
    }
    Ok(Parsed::Run(parsed))
}

/// Runs the command line with `args` (without the program name), writing to `stdout` and
/// `stderr`; returns the exit code.
pub fn run_with(args: Vec<OsString>, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    let args = match parse(args) {
        Ok(Parsed::Help) => {
            let _ = write!(stdout, "{USAGE}");
            return OK;
        }
        Ok(Parsed::Version) => {
            let _ = writeln!(stdout, "flywheel-codegen {}", env!("CARGO_PKG_VERSION"));
            return OK;
        }
        Ok(Parsed::Run(args)) => args,
        Err(e) => {
            let _ = writeln!(stderr, "error: {e}\n\n{USAGE}");
            return USAGE_ERROR;
        }
    };
    if args.inputs.is_empty() || args.out.is_none() {
        let missing = if args.inputs.is_empty() {
            "no schema directory was given"
        } else {
            "`-o <DIR>` is required"
        };
        let _ = writeln!(stderr, "error: {missing}\n\n{USAGE}");
        return USAGE_ERROR;
    }
    let out = args.out.expect("checked above");
    let mut builder = args
        .inputs
        .iter()
        .fold(Builder::new(), |b, input| b.schema_dir(input))
        .out_dir(&out)
        .serde(args.serde);
    if let Some(path) = args.runtime_path {
        builder = builder.runtime_path(path);
    }
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if args.check {
            builder.check().map(|n| {
                format!(
                    "flywheel-codegen: {} is up to date ({})",
                    slash_path(&out),
                    files(n)
                )
            })
        } else {
            builder.generate().map(|r| {
                format!(
                    "flywheel-codegen: {} written, {} unchanged, {} removed in {}",
                    files(r.written.len()),
                    r.unchanged.len(),
                    r.removed.len(),
                    slash_path(&out)
                )
            })
        }
    }));
    match outcome {
        Ok(Ok(summary)) => {
            let _ = writeln!(stdout, "{summary}");
            OK
        }
        Ok(Err(e)) => {
            let _ = writeln!(stderr, "{e}");
            match e {
                Error::Usage(_) => USAGE_ERROR,
                Error::Internal(_) => INTERNAL,
                _ => FAILED,
            }
        }
        Err(_) => {
            let _ = writeln!(
                stderr,
                "internal error: flywheel-codegen panicked; this is a bug, please report it with the schemas that caused it"
            );
            INTERNAL
        }
    }
}

fn files(n: usize) -> String {
    if n == 1 {
        "1 file".to_owned()
    } else {
        format!("{n} files")
    }
}

/// Runs the command line of this process.
pub fn run() -> ExitCode {
    let args = std::env::args_os().skip(1).collect();
    let code = run_with(args, &mut std::io::stdout(), &mut std::io::stderr());
    ExitCode::from(code)
}
