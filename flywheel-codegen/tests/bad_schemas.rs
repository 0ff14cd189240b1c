//! The bad-schema corpus: every file in `tests/bad-schemas/` (and every directory in
//! `tests/bad-schema-sets/`) is run through the CLI, must fail with exit code 1 and a
//! `path:line:col` diagnostic, and its rendered diagnostics are snapshot-tested.
//!
//! Also: randomly mutated versions of the valid schemas in `schemas/` never make the generator
//! panic; every failure comes back as an `Err`.
//!
//! Accept changed snapshots with `INSTA_UPDATE=always cargo test -p flywheel-codegen --test
//! bad_schemas`, then read every changed `.snap` file.

use std::ffi::OsString;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use flywheel_codegen::cli::{FAILED, run_with};
use flywheel_codegen::{Builder, Error};

/// What one CLI run printed.
struct Run {
    code: u8,
    stdout: String,
    stderr: String,
}

/// Runs the CLI on `inputs` (paths relative to the crate root) with a fresh output directory,
/// and checks that nothing was written there.
fn run(inputs: &[String]) -> Run {
    assert!(
        Path::new("tests/bad-schemas").is_dir(),
        "the tests run with the crate root as the current directory"
    );
    let out = tempfile::tempdir().expect("temporary directory");
    let out_dir = out.path().join("models");
    let mut args: Vec<OsString> = inputs.iter().map(OsString::from).collect();
    args.push("-o".into());
    args.push(out_dir.clone().into());
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = run_with(args, &mut stdout, &mut stderr);
    let stdout = String::from_utf8(stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8(stderr).expect("stderr is UTF-8");
    assert!(
        !out_dir.exists(),
        "nothing is written when the schemas have errors"
    );
    let out_text = out.path().to_string_lossy().into_owned();
    assert!(
        !stderr.contains(&out_text),
        "the output directory appears in the diagnostics:\n{stderr}"
    );
    Run {
        code,
        stdout,
        stderr,
    }
}

/// Whether `stderr` has a `--> path:LINE:COL` location for `path`.
fn has_location(stderr: &str, path: &str) -> bool {
    stderr.lines().any(|line| {
        let Some(rest) = line.trim_start().strip_prefix("--> ") else {
            return false;
        };
        let Some(position) = rest
            .strip_prefix(path)
            .and_then(|rest| rest.strip_prefix(':'))
        else {
            return false;
        };
        let mut parts = position.split(':');
        let number = |s: Option<&str>| {
            s.is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s != "0")
        };
        number(parts.next()) && number(parts.next()) && parts.next().is_none()
    })
}

/// The checks every failing run passes; returns the text to snapshot.
fn check_failure(run: &Run, paths: &[String]) -> String {
    assert_eq!(
        run.code, FAILED,
        "expected exit code 1 (schema errors); stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert!(
        run.stdout.is_empty(),
        "nothing on stdout when the schemas have errors:\n{}",
        run.stdout
    );
    for path in paths {
        assert!(
            has_location(&run.stderr, path),
            "no `--> {path}:LINE:COL` in stderr:\n{}",
            run.stderr
        );
    }
    assert!(
        run.stderr
            .lines()
            .filter(|l| l.starts_with("error: ") && !l.contains(" schema error"))
            .count()
            == run
                .stderr
                .lines()
                .filter(|l| l.trim_start().starts_with("= help: "))
                .count(),
        "every diagnostic has a help line:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.trim_end().lines().last().is_some_and(|l| {
            l.starts_with("error: ")
                && l.contains(" schema error")
                && (l.ends_with(" file") || l.ends_with(" files"))
        }),
        "the last line is the summary:\n{}",
        run.stderr
    );
    run.stderr.clone()
}

#[test]
fn bad_schemas() {
    insta::glob!("bad-schemas/*.toml", |path| {
        let name = path.file_name().expect("a file").to_string_lossy();
        let relative = format!("tests/bad-schemas/{name}");
        let run = run(std::slice::from_ref(&relative));
        let stderr = check_failure(&run, std::slice::from_ref(&relative));
        insta::with_settings!({
            description => format!("flywheel-codegen {relative} -o <tempdir>"),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(stderr);
        });
    });
}

#[test]
fn bad_schema_sets() {
    insta::glob!("bad-schema-sets/*", |dir| {
        assert!(dir.is_dir(), "bad-schema-sets holds only directories");
        let name = dir.file_name().expect("a directory").to_string_lossy();
        let relative = format!("tests/bad-schema-sets/{name}");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("readable directory")
            .map(|entry| entry.expect("directory entry").file_name())
            .map(|file| format!("{relative}/{}", file.to_string_lossy()))
            .filter(|file| file.ends_with(".toml"))
            .collect();
        files.sort();
        assert!(files.len() >= 2, "{relative} holds at least two schemas");
        let run = run(std::slice::from_ref(&relative));
        // Each problem is reported at the file that has it (a collision at the second file,
        // naming the first in the help; a collection in the table's file); the snapshot pins
        // which.
        let located: Vec<String> = files
            .iter()
            .filter(|f| has_location(&run.stderr, f))
            .cloned()
            .collect();
        assert!(!located.is_empty(), "no file of {relative} has a location");
        let stderr = check_failure(&run, &located);
        insta::with_settings!({
            description => format!("flywheel-codegen {relative} -o <tempdir>"),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(stderr);
        });
    });
}

/// A small deterministic PRNG (SplitMix64), so that every run mutates the same way.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Text that, inserted anywhere, tends to break a schema in an interesting way.
const INSERTS: &[&str] = &[
    "<",
    ">",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    "=",
    ",",
    "#",
    "\n",
    "\\",
    "é",
    "名前",
    "🦀",
    "\u{200b}",
    "\u{301}",
    "\r",
    "\t",
    "<<",
    "list<",
    "set<float>",
    "map<string, int>",
    "\"\"\"",
    "\nkind = \"local\"\n",
    "\nhash_key = \"nope\"\n",
    "\nrange_key = \"userid\"\n",
    "\nformat = \"epoch\"\n",
    "\ndefault = 1e400\n",
    "\ndefault = 99999999999999999999999999999999999999999\n",
    "\n[indexes.X]\n",
    "\n[types.A]\nfields = { a = \"A\" }\n",
    "\n[enums.E]\nvalues = []\n",
    "\nttl = \"title\"\n",
    "\nversion = \"userid\"\n",
];

/// One random edit of `text`.
fn mutate(rng: &mut Rng, text: &mut Vec<u8>) {
    let len = text.len();
    match rng.below(6) {
        // Delete a byte range.
        0 if len > 0 => {
            let start = rng.below(len);
            let end = (start + 1 + rng.below(24)).min(len);
            text.drain(start..end);
        }
        // Duplicate a line.
        1 => {
            let lines: Vec<&[u8]> = text.split_inclusive(|b| *b == b'\n').collect();
            if !lines.is_empty() {
                let i = rng.below(lines.len());
                let mut out = Vec::with_capacity(len * 2);
                for (j, line) in lines.iter().enumerate() {
                    out.extend_from_slice(line);
                    if j == i {
                        out.extend_from_slice(line);
                    }
                }
                *text = out;
            }
        }
        // Swap two characters, near or far.
        2 if len > 1 => {
            let a = rng.below(len);
            let b = if rng.below(2) == 0 {
                (a + 1) % len
            } else {
                rng.below(len)
            };
            text.swap(a, b);
        }
        // Swap two lines.
        3 => {
            let mut lines: Vec<Vec<u8>> = text
                .split_inclusive(|b| *b == b'\n')
                .map(<[u8]>::to_vec)
                .collect();
            if lines.len() > 1 {
                let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                lines.swap(a, b);
                *text = lines.concat();
            }
        }
        // Insert something.
        _ => {
            let at = rng.below(len + 1);
            let insert = rng.pick(INSERTS).as_bytes();
            text.splice(at..at, insert.iter().copied());
        }
    }
}

#[test]
fn mutated_schemas_never_panic() {
    let schemas_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas");
    let mut originals: Vec<PathBuf> = std::fs::read_dir(&schemas_dir)
        .expect("the example schemas")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    originals.sort();
    assert!(!originals.is_empty(), "no schemas in {schemas_dir:?}");

    const CASES_PER_SCHEMA: usize = 300;
    let tmp = tempfile::tempdir().expect("temporary directory");
    let mut rng = Rng(0x5eed_f1a1_u64);
    let (mut ok, mut schema_errors, mut io_errors) = (0, 0, 0);
    for original in &originals {
        let text = std::fs::read(original).expect("readable schema");
        // Same file name as the original, so the module and model names stay the same.
        let path = tmp.path().join(original.file_name().expect("a file name"));
        for case in 0..CASES_PER_SCHEMA {
            let mut mutated = text.clone();
            for _ in 0..1 + rng.below(3) {
                mutate(&mut rng, &mut mutated);
            }
            // Deleting or swapping bytes may split a UTF-8 sequence: most cases keep the text
            // readable (with U+FFFD), a few are written raw to exercise the read error.
            let bytes = if case % 10 == 0 {
                mutated.clone()
            } else {
                String::from_utf8_lossy(&mutated).into_owned().into_bytes()
            };
            std::fs::write(&path, &bytes).expect("writable temporary file");
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let result = Builder::new().schema_dir(&path).render();
                // Rendering the diagnostics must not panic either.
                let text = match &result {
                    Ok(files) => files.len().to_string(),
                    Err(e) => e.to_string(),
                };
                (result, text)
            }));
            let shown = String::from_utf8_lossy(&bytes);
            let (result, rendered) = match outcome {
                Ok(r) => r,
                Err(_) => panic!(
                    "the generator panicked on this mutation of {}:\n{shown}",
                    original.display()
                ),
            };
            match result {
                Ok(_) => ok += 1,
                Err(Error::Schema(diags)) => {
                    assert!(!diags.is_empty(), "an empty error list for:\n{shown}");
                    assert!(
                        rendered.contains(":") && rendered.contains("= help: "),
                        "a diagnostic without location or help:\n{rendered}\nfor:\n{shown}"
                    );
                    schema_errors += 1;
                }
                Err(Error::Io { .. }) => io_errors += 1,
                Err(e) => panic!(
                    "unexpected error kind on this mutation of {}:\n{e}\ninput:\n{shown}",
                    original.display()
                ),
            }
        }
    }
    let total = originals.len() * CASES_PER_SCHEMA;
    assert_eq!(ok + schema_errors + io_errors, total);
    // The mutations must mostly reach the checks, not only the TOML parser or the file reader.
    assert!(schema_errors > total / 2, "{schema_errors} of {total}");
    eprintln!(
        "{total} mutations: {ok} still valid, {schema_errors} schema errors, {io_errors} unreadable"
    );
}
