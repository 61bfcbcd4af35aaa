//! A list of problems found in one document, shown one a line.

use std::fmt;

/// Every problem found in a document (at least one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Errors<E>(pub Vec<E>);

impl<E: fmt::Display> fmt::Display for Errors<E> {
    /// One problem a line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, e) in self.0.iter().enumerate() {
            if n > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for Errors<E> {}

impl<E> Errors<E> {
    /// Wraps a single problem.
    pub fn one(e: E) -> Errors<E> {
        Errors(vec![e])
    }
}
