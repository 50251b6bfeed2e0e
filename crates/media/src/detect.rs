//! What a file is, from its first bytes — never from its extension.
