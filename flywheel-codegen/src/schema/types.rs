//! Type expressions such as `string`, `list<Address>` or `map<list<string>>`, with spans.

use crate::diagnostic::Span;

/// A parsed type expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TypeExpr {
    /// The type name (`list`, `string`, `Address`).
    pub name: String,
    /// Span of the name.
    pub name_span: Span,
    /// Type arguments (`<...>`), empty when there are none.
    pub args: Vec<TypeExpr>,
    /// Span of the whole expression.
    pub span: Span,
}

/// A syntax error in a type expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TypeSyntaxError {
    /// Where.
    pub span: Span,
    /// What is wrong.
    pub message: String,
}

/// Parses `text`, the content of a TOML string written at `string_span` in `source`.
///
/// Spans point at the characters inside the quotes when the string has no escapes, and at the
/// whole string otherwise.
pub(crate) fn parse_type(
    text: &str,
    string_span: &Span,
    source: &str,
) -> Result<TypeExpr, TypeSyntaxError> {
    let inner = string_span.start + 1..string_span.end.saturating_sub(1);
    let exact = source.get(inner.clone()) == Some(text);
    let map = |range: Span| -> Span {
        if exact {
            inner.start + range.start..inner.start + range.end
        } else {
            string_span.clone()
        }
    };
    let mut p = TypeParser { text, pos: 0 };
    let result = p.expr().and_then(|e| {
        p.skip_ws();
        if p.pos < text.len() {
            Err((
                p.pos..text.len(),
                "unexpected text after the type".to_owned(),
            ))
        } else {
            Ok(e)
        }
    });
    match result {
        Ok(mut e) => {
            remap(&mut e, &map);
            Ok(e)
        }
        Err((range, message)) => Err(TypeSyntaxError {
            span: map(range),
            message,
        }),
    }
}

fn remap(e: &mut TypeExpr, map: &impl Fn(Span) -> Span) {
    e.name_span = map(e.name_span.clone());
    e.span = map(e.span.clone());
    for arg in &mut e.args {
        remap(arg, map);
    }
}

struct TypeParser<'a> {
    text: &'a str,
    pos: usize,
}

type ParseResult<T> = Result<T, (Span, String)>;

impl TypeParser<'_> {
    fn skip_ws(&mut self) {
        while self.text[self.pos..].starts_with([' ', '\t']) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn expr(&mut self) -> ParseResult<TypeExpr> {
        self.skip_ws();
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.pos += 1;
        }
        if self.pos == start {
            let end = self.peek().map_or(self.pos, |c| self.pos + c.len_utf8());
            let message = match self.peek() {
                None => "a type name is missing".to_owned(),
                Some(c) => format!("expected a type name, found `{}`", c.escape_debug()),
            };
            return Err((start..end, message));
        }
        let name = self.text[start..self.pos].to_owned();
        let name_span = start..self.pos;
        self.skip_ws();
        let mut args = Vec::new();
        if self.peek() == Some('<') {
            let open = self.pos;
            self.pos += 1;
            loop {
                args.push(self.expr()?);
                self.skip_ws();
                match self.peek() {
                    Some(',') => self.pos += 1,
                    Some('>') => {
                        self.pos += 1;
                        break;
                    }
                    _ => {
                        return Err((
                            open..open + 1,
                            "this `<` is never closed with `>`".to_owned(),
                        ));
                    }
                }
            }
        }
        Ok(TypeExpr {
            name,
            name_span,
            args,
            span: start..self.pos,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_types_with_exact_spans() {
        let source = "x = \"map<list<Address>>\"";
        let e = parse_type("map<list<Address>>", &(4..24), source).unwrap();
        assert_eq!(e.name, "map");
        assert_eq!(&source[e.args[0].args[0].name_span.clone()], "Address");
    }

    #[test]
    fn reports_unclosed_brackets() {
        let source = "x = \"list<string\"";
        let err = parse_type("list<string", &(4..17), source).unwrap_err();
        assert_eq!(&source[err.span.clone()], "<");
    }
}
