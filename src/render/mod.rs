//! Renderers: they display a tree or a diff that has already been computed.

pub mod diff;
pub mod outline;
