//! What the user sees: the progress bar and the summary.

mod plan;
mod progress;
mod summary;

pub use plan::{print_with_header, to_json};
pub use progress::Progress;
pub use summary::{eprint_line, human, write_error_json, write_json};
