//! Scaleway Serverless Functions tokens from WebAssembly.
