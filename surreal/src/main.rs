//! The SurrealDB server, built from crates.io (no prebuilt `surreal` binary is reachable here).
//! `surreal start --bind 127.0.0.1:PORT --user root --pass root surrealkv://DIR`.
#![recursion_limit = "256"]

fn main() -> std::process::ExitCode {
    surrealdb_server::init(surrealdb_server::core::CommunityComposer())
}
