//! Typed server functions, one module per area. Each is a thin adapter over the service layer.

mod account;
mod board;
mod system;

pub use account::*;
pub use board::*;
pub use system::*;
