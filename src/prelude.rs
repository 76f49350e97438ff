//! What the std prelude would give: the shipped wasm is `no_std`, so that std's panic and
//! formatting machinery stays out of it (docs/DECISIONS.md).

// A build without the client (the native tests of `/invoke`) boxes nothing.
#[allow(unused_imports)]
pub use alloc::boxed::Box;
pub use alloc::string::String;
pub use alloc::vec::Vec;
