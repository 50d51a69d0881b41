//! Typed server functions, one module per area. Each is a thin adapter over the service layer.

mod system;

pub use system::*;
