//! The OpenAPI 3.1 description of the public API. The example request is the domain's own
//! `ComplaintInput::example()`, and the category list is the configured one, so neither can
//! drift from what the server accepts (an integration test posts the example).

use crate::config::Config;
use app::domain::complaint::{BreachStatus, Channel, ComplaintInput, WantedOutcome};
use app::domain::text::limits;
use serde_json::{json, Value};

/// One-line text: no control characters (tab, newlines included) and none of the invisible
/// ones the server refuses (see `app::domain::text`): those beyond the first plane (format
/// controls, tags, every plane's last two non-characters) are written as the characters
/// themselves, which a Unicode-aware pattern engine (JSON Schema asks for one) reads as one
/// range each; a request with them is refused, so the description must not allow them.
const TEXT_ONE: &str = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\u2800\\u3164\\ufdd0-\\ufdef\\ufe00-\\ufe0f\\ufeff\\uffa0\\ufff9-\\uffff\u{13430}-\u{1343F}\u{1BCA0}-\u{1BCA3}\u{1D173}-\u{1D17A}\u{E0000}-\u{E0FFF}\u{1FFFE}-\u{1FFFF}\u{2FFFE}-\u{2FFFF}\u{3FFFE}-\u{3FFFF}\u{4FFFE}-\u{4FFFF}\u{5FFFE}-\u{5FFFF}\u{6FFFE}-\u{6FFFF}\u{7FFFE}-\u{7FFFF}\u{8FFFE}-\u{8FFFF}\u{9FFFE}-\u{9FFFF}\u{AFFFE}-\u{AFFFF}\u{BFFFE}-\u{BFFFF}\u{CFFFE}-\u{CFFFF}\u{DFFFE}-\u{DFFFF}\u{EFFFE}-\u{EFFFF}\u{FFFFE}-\u{FFFFF}\u{10FFFE}-\u{10FFFF}]*$";
/// Text of several lines: as one-line text, with tabs and new lines allowed.
const TEXT_MANY: &str = "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u00ad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\u2800\\u3164\\ufdd0-\\ufdef\\ufe00-\\ufe0f\\ufeff\\uffa0\\ufff9-\\uffff\u{13430}-\u{1343F}\u{1BCA0}-\u{1BCA3}\u{1D173}-\u{1D17A}\u{E0000}-\u{E0FFF}\u{1FFFE}-\u{1FFFF}\u{2FFFE}-\u{2FFFF}\u{3FFFE}-\u{3FFFF}\u{4FFFE}-\u{4FFFF}\u{5FFFE}-\u{5FFFF}\u{6FFFE}-\u{6FFFF}\u{7FFFE}-\u{7FFFF}\u{8FFFE}-\u{8FFFF}\u{9FFFE}-\u{9FFFF}\u{AFFFE}-\u{AFFFF}\u{BFFFE}-\u{BFFFF}\u{CFFFE}-\u{CFFFF}\u{DFFFE}-\u{DFFFF}\u{EFFFE}-\u{EFFFF}\u{FFFFE}-\u{FFFFF}\u{10FFFE}-\u{10FFFF}]*$";

/// Addresses the server surely takes (a subset of what it takes): labels of at most 62
/// characters, no leading or trailing punctuation.
const EMAIL_PATTERN: &str = "^[a-z0-9]{1,20}(?:[._+-][a-z0-9]{1,20}){0,2}@[a-z0-9]{1,20}(?:-[a-z0-9]{1,20}){0,2}(?:\\.[a-z0-9]{1,20}(?:-[a-z0-9]{1,20}){0,2}){1,3}$";

const ADDRESS: [&str; 4] = [
    "address_line_1",
    "address_line_2",
    "address_town",
    "address_postcode",
];

/// How the person is reached: email or phone as asked (with a whole address or none), or by
/// post (a whole address; an email address or telephone number as well if they have one: a
/// person who writes letters may have neither, SPEC "Intake").
fn contact_ways() -> Vec<Value> {
    let mut ways = Vec::new();
    for (preferred, needs) in [
        ("email", Some("email")),
        ("phone", Some("phone")),
        ("post", None),
    ] {
        for address in [true, false] {
            if needs.is_none() && !address {
                continue;
            }
            let mut required: Vec<&str> = needs.into_iter().collect();
            let mut properties = serde_json::Map::new();
            properties.insert("preferred_contact".into(), json!({"const": preferred}));
            if address {
                required.extend(["address_line_1", "address_postcode"]);
            } else {
                for field in ADDRESS {
                    properties.insert(field.into(), Value::Bool(false));
                }
            }
            ways.push(json!({"required": required, "properties": properties}));
        }
    }
    ways
}

/// Who the complaint is for, whether it is about a breach, and whether "other" is wanted:
/// each with the fields it then needs.
fn cases_of(breach: &[&str], categories: &[&str], outcomes: &[&str]) -> Vec<Value> {
    let others: Vec<&str> = categories
        .iter()
        .filter(|c| !breach.contains(c))
        .copied()
        .collect();
    let mut cases = Vec::new();
    // Through an MP, the MP may be the one writing (then the constituent is named).
    for (who, mp_writing) in [
        ("myself", None),
        ("someone_else", None),
        ("mp", Some(false)),
        ("mp", Some(true)),
    ] {
        for is_breach in [true, false] {
            if is_breach && breach.is_empty() || !is_breach && others.is_empty() {
                continue;
            }
            for other in [true, false] {
                let mut required: Vec<&str> = match who {
                    "someone_else" => vec![
                        "other_person_name",
                        "other_person_relationship",
                        "other_person_agreed",
                    ],
                    "mp" if mp_writing == Some(true) => {
                        vec!["mp_name", "mp_writing", "constituent_name"]
                    }
                    "mp" => vec!["mp_name"],
                    _ => vec![],
                };
                let category = if is_breach {
                    required.push("breach_status");
                    json!({"enum": breach})
                } else {
                    json!({"enum": others})
                };
                let wanted = if other {
                    required.push("outcome_other");
                    json!({"contains": {"const": "other"}})
                } else {
                    let plain: Vec<&str> = outcomes
                        .iter()
                        .filter(|o| **o != "other")
                        .copied()
                        .collect();
                    json!({"items": {"enum": plain}})
                };
                let mut properties = json!({"on_behalf_of": {"const": who}, "category": category, "outcomes_wanted": wanted});
                if let Some(writing) = mp_writing {
                    properties["mp_writing"] = json!({"const": writing});
                }
                cases.push(json!({"required": required, "properties": properties}));
            }
        }
    }
    cases
}

pub fn example_request() -> Value {
    let mut v = serde_json::to_value(ComplaintInput::example()).expect("plain data");
    if let Value::Object(map) = &mut v {
        map.retain(|_, v| !v.is_null());
    }
    v
}

/// Text as the server takes it: no control or invisible characters (the server also keeps
/// emoji joiners and flag tags, which this pattern leaves out to stay simple), at most `max`
/// characters; one line unless `many`.
fn text_of(max: usize, many: bool, description: &str) -> Value {
    let pattern = if many { TEXT_MANY } else { TEXT_ONE };
    json!({"type": "string", "maxLength": max, "pattern": pattern, "description": description})
}

fn yes_no(description: &str) -> Value {
    json!({"type": "boolean", "description": description})
}

/// The API's operations: making a complaint, and the health check.
fn paths() -> Value {
    let error_response = |description: &str| json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}});
    json!({
        "/api/v1/complaints": {
            "post": {
                "operationId": "submitComplaint",
                "summary": "Make a complaint",
                "description": "Validates, triages and stores a complaint, and answers with its reference and deadlines. Answers only once the complaint is durably stored.",
                "parameters": [{
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": true,
                    "description": "A new UUID for each complaint; the same one when retrying it. One header, 36 characters with hyphens, not the nil UUID.",
                    "schema": {"type": "string", "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", "not": {"const": "00000000-0000-0000-0000-000000000000"}},
                    "example": "3f2c6f1e-8a4b-4c2d-9e1f-0a1b2c3d4e5f"
                }],
                "requestBody": {
                    "required": true,
                    "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/ComplaintInput"},
                        "examples": {"complaint": {"summary": "A complaint about a subject access request", "value": example_request()}}
                    }}
                },
                "responses": {
                    "201": {
                        "description": "Received and stored (or, with the header Idempotent-Replayed: true, received earlier with this key).",
                        "headers": {"Idempotent-Replayed": {"description": "true when this is the answer to an earlier identical request", "schema": {"type": "string", "enum": ["true"]}}},
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Receipt"}}}
                    },
                    "400": error_response("The request could not be read: malformed JSON, a wrong type, an unknown field, or a missing or malformed Idempotency-Key."),
                    "403": error_response("A field only staff may set: how a complaint arrived (channel, other than online) or the day it was received (received_on). Staff record those on the staff pages."),
                    "413": error_response("The body is larger than the limit."),
                    "415": error_response("The body was not sent as application/json."),
                    "422": error_response("The complaint breaks a rule (each problem named by field), or the Idempotency-Key was used for a different complaint. Nothing was stored."),
                    "429": {"description": "Too many complaints from this address (or overall) just now. Nothing was stored; retry after Retry-After seconds with the same Idempotency-Key.", "headers": {"Retry-After": {"schema": {"type": "integer"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}},
                    "503": error_response("The case store could not take the complaint. Nothing was stored; retry with the same Idempotency-Key.")
                }
            }
        },
        "/health": {
            "get": {
                "operationId": "health",
                "summary": "Whether the service can reach its case store",
                "responses": {
                    "200": {"description": "Healthy", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string"}}}}}},
                    "503": {"description": "The case store is unavailable", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string"}}}}}}
                }
            }
        }
    })
}

pub fn document(config: &Config) -> Value {
    let categories: Vec<&str> = config
        .taxonomy
        .categories
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    let category_help: Vec<String> = config
        .taxonomy
        .categories
        .iter()
        .map(|c| format!("`{}`: {}", c.id, c.label))
        .collect();
    let outcomes: Vec<&str> = WantedOutcome::ALL.iter().map(|(_, id, _)| *id).collect();
    let breach: Vec<&str> = BreachStatus::ALL.iter().map(|b| b.id()).collect();
    let channels: Vec<&str> = Channel::ALL.iter().map(|c| c.id()).collect();
    let breach_categories: Vec<&str> = config
        .taxonomy
        .categories
        .iter()
        .filter(|c| c.nature == app::domain::taxonomy::Nature::Breach)
        .map(|c| c.id.as_str())
        .collect();
    let possible_categories: Vec<&str> = config
        .taxonomy
        .categories
        .iter()
        .filter(|c| c.breach_possible && c.nature != app::domain::taxonomy::Nature::Breach)
        .map(|c| c.id.as_str())
        .collect();
    let text = |max: usize, description: &str| text_of(max, false, description);
    let required_text = |max: usize, many: bool, description: &str| {
        let mut t = text_of(max, many, description);
        t["minLength"] = json!(1);
        t["allOf"] = json!([{"pattern": "\\S"}]);
        t
    };
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Data protection complaint intake",
            "version": "1.0.0",
            "description": format!(
                "Receives data protection complaints for {} under the Data Protection Act 2018 s.164A. \
                 Every request that would create a complaint carries an Idempotency-Key: send the same key \
                 (and the same body) when retrying, and you get the first answer back, never a second case.",
                config.organisation.name
            ),
        },
        "paths": paths(),
        "components": {"schemas": {
            "ComplaintInput": {
                "type": "object",
                "additionalProperties": false,
                "description": "Fields are the names of the web form's fields. The rules below are the server's: a complaint that meets them is accepted. Text is trimmed; an empty text is the same as leaving the field out.",
                "required": ["full_name", "preferred_contact", "on_behalf_of", "category", "description", "outcomes_wanted", "also_about_service", "consent_handle", "consent_share"],
                "properties": {
                    "full_name": required_text(limits::NAME, false, "The complainant's full name."),
                    "address_line_1": required_text(limits::ADDRESS_LINE, true, "Building and street (may span lines). Required with any other part of the address, and when preferred_contact is post."),
                    "address_line_2": text(limits::ADDRESS_LINE, "Optional."),
                    "address_town": text(limits::TOWN, "Optional."),
                    "address_postcode": {"type": "string", "pattern": "^(?:[A-Za-z][0-9]|[A-Za-z][0-9]{2}|[A-Za-z]{2}[0-9]|[A-Za-z]{2}[0-9]{2}|[A-Za-z][0-9][A-Za-z]|[A-Za-z]{2}[0-9][A-Za-z]) ?[0-9][A-Za-z]{2}$", "description": "A UK postcode. Required with any other part of the address, and when preferred_contact is post."},
                    "email": {"type": "string", "maxLength": limits::EMAIL, "pattern": EMAIL_PATTERN, "description": "Email address. Required when preferred_contact is email; optional otherwise (a complainant writing by post may have neither email nor phone)."},
                    "phone": {"type": "string", "pattern": "^\\+?[0-9]{10,15}$", "description": "Telephone number, UK or international: 10 to 15 digits (spaces, hyphens and brackets are also accepted). Required when preferred_contact is phone; optional otherwise."},
                    "preferred_contact": {"type": "string", "enum": ["email", "phone", "post"]},
                    "adjustments": text_of(limits::MEDIUM, true, "Reasonable adjustments, e.g. large print, phone calls only."),
                    "on_behalf_of": {"type": "string", "enum": ["myself", "someone_else", "mp"], "description": "Who the complaint is for: the complainant, someone else, or made through an MP."},
                    "other_person_name": required_text(limits::NAME, false, "Required when on_behalf_of is someone_else."),
                    "other_person_relationship": required_text(limits::SHORT, false, "Required when on_behalf_of is someone_else."),
                    "other_person_agreed": yes_no("Required when on_behalf_of is someone_else: whether they agreed to the complaint being made for them."),
                    "mp_name": required_text(limits::NAME, false, "Required when on_behalf_of is mp."),
                    "mp_writing": yes_no("When on_behalf_of is mp: whether the MP (or their office) is the one writing, for a constituent. The complainant's details are then the MP's office's, and constituent_name is required."),
                    "mp_email": {"type": "string", "maxLength": limits::EMAIL, "pattern": EMAIL_PATTERN, "description": "When on_behalf_of is mp and the constituent writes: the MP's email address, for copies of letters. Optional."},
                    "mp_address": text_of(limits::ADDRESS_LINE, false, "When on_behalf_of is mp and the constituent writes: the MP's postal address (one line each part), for copies by post. Optional."),
                    "constituent_name": required_text(limits::NAME, false, "Required when mp_writing is true: the constituent the complaint is about."),
                    "constituent_address": text_of(limits::MEDIUM, true, "When mp_writing is true: the constituent's address. Optional."),
                    "category": {"type": "string", "enum": categories, "description": category_help.join("; ")},
                    "service": text(limits::SHORT, "The service or department involved, if known."),
                    "happened_when": text(limits::SHORT, "When it happened, in the complainant's words."),
                    "description": required_text(limits::DESCRIPTION, true, "What happened. New lines allowed."),
                    "breach_happened": yes_no(&format!("Where a breach is possible ({}): whether the person's information was lost, stolen, or sent or shown to someone who should not have it. Optional: left out or false, the case is a complaint; true makes it a breach report unless breach_status is outcome_received.", possible_categories.join(", "))),
                    "breach_status": {"type": "string", "enum": breach, "description": format!("Required when the category is a personal data breach ({}); for a breach that happened in another category, optional (left out: not had the breach outcome). Only outcome_received makes it a complaint; otherwise it is recorded as a breach report, with no complaint deadlines.", breach_categories.join(", "))},
                    "outcomes_wanted": {"type": "array", "minItems": 1, "items": {"type": "string", "enum": outcomes}},
                    "outcome_other": required_text(limits::MEDIUM, true, "Required when outcomes_wanted includes other."),
                    "also_about_service": yes_no("Whether the complaint is also about the service itself (handed over to the corporate complaints procedure)."),
                    "consent_handle": {"type": "boolean", "const": true, "description": "Consent to the complaint being handled. Required."},
                    "consent_share": yes_no("Consent to share the complaint with the organisation complained about. May be false, which may limit the investigation."),
                    "survey_opt_out": yes_no("Opt out of the customer satisfaction survey. Defaults to false."),
                    "publication_opt_out": yes_no("Opt out of anonymised publication of the case. Defaults to false.")
                },
                // The conditional rules as two independent choices, each of plain objects, so
                // that request generators (schemathesis) can build valid complaints from them.
                "allOf": [{"anyOf": contact_ways()}, {"anyOf": cases_of(&breach_categories, &categories, &outcomes)}]
            },
            "StaffIntakeInput": {
                "description": "Not part of this API, which refuses these fields (403): what staff key in on the staff pages (the form at /staff/intake) besides every ComplaintInput field: how the complaint arrived and the day it was received.",
                "type": "object",
                "required": ["channel", "received_on"],
                "properties": {
                    "channel": {"type": "string", "enum": channels.iter().filter(|c| **c != "online").collect::<Vec<_>>()},
                    "received_on": {"type": "string", "format": "date", "description": "Today or up to a year back."}
                }
            },
            "Receipt": {
                "type": "object",
                "required": ["reference", "kind", "team", "category", "flags", "channel", "received_at", "received_on"],
                "description": "A complaint carries its deadlines; a breach report (kind breach_report: a breach reported before the person had our breach outcome, seed 004 §18) is handled under the breach procedure, is not a complaint, and carries none.",
                "if": {"properties": {"kind": {"const": "complaint"}}},
                "then": {"required": ["acknowledge_by", "outcome_due"]},
                "else": {"not": {"anyOf": [{"required": ["acknowledge_by"]}, {"required": ["outcome_due"]}]}},
                "properties": {
                    "reference": {"type": "string", "pattern": "^[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}-[2-9A-HJKMNP-Z]{3}$", "description": "Quote this on every contact. The last character is a check character.", "example": "K7M-2QX-9PB"},
                    "kind": {"type": "string", "enum": ["complaint", "breach_report"]},
                    "team": {"type": "object", "required": ["id", "name"], "properties": {"id": {"type": "string"}, "name": {"type": "string"}}},
                    "category": {"type": "string"},
                    "flags": {"type": "object", "required": ["identity_check", "clarification_needed", "corporate_handover"], "properties": {
                        "identity_check": {"type": "boolean"},
                        "clarification_needed": {"type": "boolean"},
                        "corporate_handover": {"type": "boolean"}
                    }},
                    "channel": {"type": "string", "enum": channels},
                    "received_at": {"type": "string", "format": "date-time"},
                    "received_on": {"type": "string", "format": "date", "description": "The day of receipt in the UK."},
                    "acknowledged_at": {"type": ["string", "null"], "format": "date-time", "description": "When the written acknowledgement went: null at receipt (it is queued and sent by the person's chosen route; the case counts as acknowledged only once it has gone)."},
                    "acknowledge_by": {"type": "string", "format": "date", "description": "Complaints only. Written acknowledgement due: 30 days from the day after receipt, moved to the next working day."},
                    "outcome_due": {"type": "string", "format": "date", "description": "Complaints only. Outcome normally due: three months after receipt, on a working day."}
                }
            },
            "Errors": {
                "type": "object",
                "required": ["errors"],
                "properties": {"errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}}}
            },
            "FieldError": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": "string", "description": "The field (or header, or 'body') the message is about."},
                    "message": {"type": "string", "description": "What to do, in plain English."}
                }
            }
        }}
    })
}
