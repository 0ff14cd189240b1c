//! Paths as messages and headers show them.

use std::path::Path;

/// A path with forward slashes, so messages and headers read the same on every platform.
pub(crate) fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
        .replace("//", "/")
}
