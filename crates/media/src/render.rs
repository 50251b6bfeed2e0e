//! Renditions.
