//! The options that change the generated code: the context the templates render in, and their
//! command-line spelling, which the generated header records and `--check` repeats.

use crate::error::Error;
use crate::naming;

/// Where generated code finds the runtime unless told otherwise.
pub(crate) const DEFAULT_RUNTIME_PATH: &str = "::flywheel_runtime";

/// The options that change the generated code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Options {
    /// Whether the generated types derive serde's traits.
    pub serde: bool,
    /// The path generated code reaches the runtime by.
    pub runtime_path: String,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            serde: false,
            runtime_path: DEFAULT_RUNTIME_PATH.to_owned(),
        }
    }
}

impl Options {
    /// The command-line spelling of the options that differ from the defaults (`--serde
    /// --runtime-path crate::rt`, or `""`), as the header records them and the fixing command
    /// repeats them.
    pub(crate) fn args(&self) -> String {
        let mut args = Vec::new();
        if self.serde {
            args.push("--serde".to_owned());
        }
        if self.runtime_path != DEFAULT_RUNTIME_PATH {
            args.push(format!("--runtime-path {}", self.runtime_path));
        }
        args.join(" ")
    }

    /// The options, when they are usable: the runtime path must be a Rust path, since it is
    /// written into the generated code (and into a string literal there) as it is.
    pub(crate) fn check(&self) -> Result<(), Error> {
        match path_problem(&self.runtime_path) {
            None => Ok(()),
            Some(problem) => Err(Error::Usage(format!(
                "the runtime path `{}` is not a Rust path: {problem}; write a path such as \
                 `{DEFAULT_RUNTIME_PATH}` or `crate::rt`",
                self.runtime_path.escape_debug()
            ))),
        }
    }
}

/// What keeps `path` from being a Rust path to a module (`::a::b`, `crate::x`, `a::b`,
/// `super::x`), if anything.
fn path_problem(path: &str) -> Option<String> {
    let (absolute, rest) = match path.strip_prefix("::") {
        Some(rest) => (true, rest),
        None => (false, path),
    };
    let segments: Vec<&str> = rest.split("::").collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Some("it has an empty segment".to_owned());
    }
    for (i, segment) in segments.iter().enumerate() {
        let at_start = i == 0 && !absolute;
        let follows_relative = i > 0 && matches!(segments[i - 1], "self" | "super");
        match *segment {
            "crate" | "self" if at_start => {}
            "super" if at_start || follows_relative => {}
            "crate" | "self" | "super" | "Self" => {
                return Some(format!("`{segment}` can only start a path"));
            }
            _ if is_identifier(segment) => {}
            _ => return Some(format!("`{}` is not an identifier", segment.escape_debug())),
        }
    }
    None
}

/// A plain ASCII identifier that is not a keyword, or a raw identifier (`r#type`).
fn is_identifier(segment: &str) -> bool {
    match segment.strip_prefix("r#") {
        Some(keyword) => naming::escape(keyword) == segment,
        None => naming::is_ascii_ident(segment) && !naming::is_keyword(segment),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_paths_are_rust_paths() {
        for ok in [
            "::flywheel_runtime",
            "crate::rt",
            "flywheel_runtime",
            "a::b::c",
            "self::rt",
            "super::super::rt",
            "::r#type::x",
        ] {
            assert_eq!(path_problem(ok), None, "{ok}");
        }
        for (bad, problem) in [
            ("", "it has an empty segment"),
            ("::", "it has an empty segment"),
            ("crate::", "it has an empty segment"),
            ("a::::b", "it has an empty segment"),
            ("crate::3rt", "`3rt` is not an identifier"),
            ("::crate::rt", "`crate` can only start a path"),
            ("a::super", "`super` can only start a path"),
            ("a::type", "`type` is not an identifier"),
            ("a b", "`a b` is not an identifier"),
            ("a\"::b", "`a\\\"` is not an identifier"),
            ("a-b", "`a-b` is not an identifier"),
            ("r#crate", "`r#crate` is not an identifier"),
        ] {
            assert_eq!(path_problem(bad).as_deref(), Some(problem), "{bad}");
        }
    }

    #[test]
    fn only_options_that_differ_from_the_defaults_are_spelled() {
        assert_eq!(Options::default().args(), "");
        let options = Options {
            serde: true,
            runtime_path: "crate::rt".to_owned(),
        };
        assert_eq!(options.args(), "--serde --runtime-path crate::rt");
        let options = Options {
            runtime_path: DEFAULT_RUNTIME_PATH.to_owned(),
            ..options
        };
        assert_eq!(options.args(), "--serde");
    }

    #[test]
    fn a_bad_runtime_path_is_a_usage_error_that_says_why() {
        let options = Options {
            runtime_path: "crate::3rt".to_owned(),
            ..Options::default()
        };
        match options.check() {
            Err(Error::Usage(message)) => assert_eq!(
                message,
                "the runtime path `crate::3rt` is not a Rust path: `3rt` is not an identifier; \
                 write a path such as `::flywheel_runtime` or `crate::rt`"
            ),
            other => panic!("{other:?}"),
        }
    }
}
