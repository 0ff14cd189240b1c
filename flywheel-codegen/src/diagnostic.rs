//! Schema diagnostics: a message, a label on the exact span, a help line, rendered like rustc.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// A schema file's text, shared by the diagnostics that point into it.
#[derive(Debug)]
pub(crate) struct SourceFile {
    /// The path shown to the user.
    pub path: String,
    /// The file's text.
    pub text: String,
}

/// A byte range in a schema file.
pub(crate) type Span = Range<usize>;

/// One label: a span and what it means.
#[derive(Debug, Clone)]
struct Label {
    span: Span,
    text: String,
}

/// One schema error.
#[derive(Clone)]
pub struct Diagnostic {
    file: Arc<SourceFile>,
    message: String,
    primary: Label,
    secondary: Vec<Label>,
    help: Option<String>,
}

impl Diagnostic {
    /// An error in `file` at `span`.
    pub(crate) fn error(
        file: &Arc<SourceFile>,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Diagnostic {
        let len = file.text.len();
        let start = span.start.min(len);
        let end = span.end.clamp(start, len);
        Diagnostic {
            file: file.clone(),
            message: message.into(),
            primary: Label {
                span: start..end,
                text: label.into(),
            },
            secondary: Vec::new(),
            help: None,
        }
    }

    /// Adds the help line.
    pub(crate) fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a second label, such as the other half of a collision.
    pub(crate) fn also(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            text: label.into(),
        });
        self
    }

    /// The error message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The path of the file.
    pub fn path(&self) -> &str {
        &self.file.path
    }

    /// One-based line and column of the primary span.
    pub fn line_col(&self) -> (usize, usize) {
        line_col(&self.file.text, self.primary.span.start)
    }

    fn snippet(
        &self,
        f: &mut fmt::Formatter<'_>,
        label: &Label,
        mark: char,
        gutter: usize,
    ) -> fmt::Result {
        let text = &self.file.text;
        let (line, col) = line_col(text, label.span.start);
        let line_start = text[..label.span.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let line_text = text[line_start..line_end].trim_end_matches('\r');
        let visible_end = label.span.end.min(line_start + line_text.len());
        let width = text
            .get(label.span.start..visible_end)
            .map_or(1, |s| s.chars().count())
            .max(1);
        let pad = " ".repeat(gutter);
        writeln!(f, "{pad} |")?;
        writeln!(f, "{line:>gutter$} | {line_text}")?;
        let indent: String = line_text
            .chars()
            .take(col - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let marks: String = std::iter::repeat_n(mark, width).collect();
        writeln!(f, "{pad} | {indent}{marks} {}", label.text)
    }
}

/// Where the checks of one file report: the diagnostics of every file, and the file this one
/// points into. Parsing and validation share it, so a rule is one call and a span.
pub(crate) struct Reporter<'a> {
    file: &'a Arc<SourceFile>,
    diags: &'a mut Vec<Diagnostic>,
}

impl<'a> Reporter<'a> {
    /// Reports the errors of `file` into `diags`.
    pub(crate) fn new(file: &'a Arc<SourceFile>, diags: &'a mut Vec<Diagnostic>) -> Reporter<'a> {
        Reporter { file, diags }
    }

    /// The file being checked.
    /// The diagnostics it adds to, for a reporter of another file.
    pub(crate) fn diagnostics(&mut self) -> &mut Vec<Diagnostic> {
        self.diags
    }

    pub(crate) fn file(&self) -> &'a Arc<SourceFile> {
        self.file
    }

    /// Reports an error at `span` with one label and a help line.
    pub(crate) fn error(
        &mut self,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.at(span, message, label).help(help);
    }

    /// Starts an error at `span` that needs more than one label; its help line reports it, so
    /// no diagnostic goes out without one.
    pub(crate) fn at(
        &mut self,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Pending<'_, 'a> {
        Pending {
            diagnostic: Diagnostic::error(self.file, span, message, label),
            report: self,
        }
    }

    /// How many diagnostics were reported so far, of every file.
    pub(crate) fn count(&self) -> usize {
        self.diags.len()
    }
}

/// An error being written: [`Pending::help`] reports it.
#[must_use = "a diagnostic is reported by its help line"]
pub(crate) struct Pending<'r, 'a> {
    report: &'r mut Reporter<'a>,
    diagnostic: Diagnostic,
}

impl Pending<'_, '_> {
    /// Adds a second label, such as the other half of a collision.
    pub(crate) fn also(mut self, span: Span, label: impl Into<String>) -> Self {
        self.diagnostic = self.diagnostic.also(span, label);
        self
    }

    /// Adds the help line and reports the error.
    pub(crate) fn help(self, help: impl Into<String>) {
        self.report.diags.push(self.diagnostic.help(help));
    }
}

/// One-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, col) = self.line_col();
        let last_line = std::iter::once(&self.primary)
            .chain(&self.secondary)
            .map(|l| line_col(&self.file.text, l.span.start).0)
            .max()
            .unwrap_or(line);
        let gutter = last_line.to_string().len();
        writeln!(f, "error: {}", self.message)?;
        writeln!(
            f,
            "{}--> {}:{line}:{col}",
            " ".repeat(gutter),
            self.file.path
        )?;
        self.snippet(f, &self.primary, '^', gutter)?;
        for label in &self.secondary {
            let (l, c) = line_col(&self.file.text, label.span.start);
            writeln!(f, "{}::: {}:{l}:{c}", " ".repeat(gutter), self.file.path)?;
            self.snippet(f, label, '-', gutter)?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "{} = help: {help}", " ".repeat(gutter))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The closest of `candidates` to `word`, if one is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    let word = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let lower = candidate.to_lowercase();
        let distance = edit_distance(&word, &lower);
        // A spelled-out form of a short name (`integer` for `int`) is as likely as a typo.
        let prefix = lower.len() >= 3 && word.starts_with(&lower);
        if (distance <= limit || prefix) && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Edits from `a` to `b`: insertions, deletions, substitutions, and swaps of two neighbouring
/// characters (the most common typo), each counting one.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Rows i-2, i-1 and i of the distance matrix.
    let mut before: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = prev[j] + usize::from(ca != cb);
            let mut d = substitution.min(prev[j + 1] + 1).min(current[j] + 1);
            if i > 0 && j > 0 && *ca == b[j - 1] && a[i - 1] == *cb {
                d = d.min(before[j - 1] + 1);
            }
            current.push(d);
        }
        before = std::mem::replace(&mut prev, current);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(did_you_mean("strng", ["string", "int"]), Some("string"));
        assert_eq!(
            did_you_mean("datetim", ["date", "datetime"]),
            Some("datetime")
        );
        assert_eq!(did_you_mean("frobnicate", ["string", "int"]), None);
        assert_eq!(did_you_mean("scroe", ["score", "game"]), Some("score"));
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(did_you_mean("integer", ["string", "int"]), Some("int"));
    }

    #[test]
    fn renders_path_line_column_label_and_help() {
        let file = Arc::new(SourceFile {
            path: "schemas/x.toml".into(),
            text: "[fields]\nuserid = \"strng\"\n".into(),
        });
        let d = Diagnostic::error(&file, 18..25, "unknown type `strng`", "not a type")
            .help("did you mean `string`?");
        assert_eq!(
            d.to_string(),
            "error: unknown type `strng`\n --> schemas/x.toml:2:10\n  |\n2 | userid = \"strng\"\n  |          ^^^^^^^ not a type\n  = help: did you mean `string`?\n"
        );
    }
}
