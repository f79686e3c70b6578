//! The complaint domain: pure rules with no I/O, compiled into the server and the WebAssembly
//! so that the browser and the server apply exactly the same checks.

pub mod brand;
pub mod calendar;
pub mod casework;
pub mod complaint;
pub mod delivery;
pub mod evidence;
pub mod letter;
pub mod lines;
pub mod messages;
pub mod receipt;
pub mod reference;
pub mod reporting;
pub mod retention;
pub mod subject_access;
pub mod taxonomy;
pub mod text;
pub mod triage;
pub mod wire;

use serde::{Deserialize, Serialize};

/// One problem with one field, worded for the person who filled it in (GOV.UK style).
/// `field` is the name of the form field / JSON property, so a page can link to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}
