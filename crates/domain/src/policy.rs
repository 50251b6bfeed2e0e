//! The policy (SPEC R10.5): who may do what.
