//! Typed server functions, one module per area. Each is a thin adapter over the service layer.

mod account;
mod system;

pub use account::*;
pub use system::*;
