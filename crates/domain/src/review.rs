//! The review state machine (SPEC R7.1), as a table.
