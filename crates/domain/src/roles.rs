//! Roles: studio roles and brand roles (SPEC R10.1–R10.2).
