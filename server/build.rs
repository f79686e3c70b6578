//! `sqlx::migrate!` embeds the migrations when the crate compiles, and cargo does not know it
//! read them: without this, a new migration file left a stale binary (sqlx's advice).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
