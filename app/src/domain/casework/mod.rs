//! Working a case after it is received (seed 004 §27–§46). Pure rules: the staff pages and the
//! store apply them, and they are tested here once.
//!
//! - `status`: where a case is, who may be assigned and confirm (seed 004 §30);
//! - `lifecycle`: every move and ending a case may make, progress updates, reviews and breach
//!   reports turned into complaints (seed 004 §18, §26, §34, §42–§46);
//! - `records`: the outcome and closure as the handler writes them, with their actions;
//! - `investigation`: the plan, interim measures and findings (seed 004 §30, §33, §36);
//! - `urgency`: the next deadline and how it stands today (the register's order and tags);
//! - `receiving`: how and when a complaint arrived, as staff key it in;
//! - `register`: the filters of the case register (seed 004 §45);
//! - `change`: every change staff make to a case, and what the history says of it;
//! - `file`: the case as it is kept, as both stores read it back;
//! - `waiting`: asking the complainant for more, and the outcome clock stopped meanwhile;
//! - `bulk`: one action on several cases from the register;
//! - `accounts`: staff roles, usernames, passwords and the lock-out policy.

mod accounts;
mod bulk;
mod change;
mod corrections;
pub mod file;
mod investigation;
mod lifecycle;
mod mp;
mod receiving;
mod records;
mod register;
mod status;
mod urgency;
mod waiting;

pub use accounts::*;
pub use bulk::*;
pub use change::*;
pub use corrections::*;
pub use investigation::*;
pub use lifecycle::*;
pub use mp::*;
pub use receiving::*;
pub use records::*;
pub use register::*;
pub use status::*;
pub use urgency::*;
pub use waiting::*;
