//! The case page's evidence section: the files (name, kind, size, who added it and when,
//! scan state), the scanner's refusals for the DPO, and the form to add one.

use super::super::components::date_time;
use crate::store::evidence::{ScanRefusal, StoredFile};
use app::domain::evidence::{accept_list, ScanState};
use leptos::prelude::*;

/// "1.2 MB", "340 KB".
pub fn size_words(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

fn state_words(s: ScanState) -> &'static str {
    match s {
        ScanState::Clean => "Scanned: no virus found",
        ScanState::Waiting => "Waiting for the virus scan",
        ScanState::NotScanned => "Not scanned (no virus scanner is set up)",
    }
}

/// The case page's evidence section.
pub fn section(
    files: Vec<StoredFile>,
    refused: Vec<ScanRefusal>,
    compact: String,
    csrf: String,
    scanned: bool,
    problem: Option<String>,
) -> impl IntoView {
    let action = format!("/staff/cases/{compact}/evidence");
    view! {
        <h2 class="heading-m" id="evidence">"Evidence"</h2>
        {(!scanned).then(|| view! {
            <div class="warning-text"><strong>"Files are not scanned for viruses: no virus scanner is set up for this service. Open files with care."</strong></div>
        })}
        {if files.is_empty() {
            view! { <p class="body">"No files yet."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                <table class="table">
                    <caption class="visually-hidden">"Files on this case"</caption>
                    <thead><tr><th scope="col">"File"</th><th scope="col">"Kind"</th><th scope="col">"Size"</th><th scope="col">"Added"</th><th scope="col">"Virus scan"</th></tr></thead>
                    <tbody>
                        {files.iter().map(|f| {
                            let by = f.added_by.clone().unwrap_or_else(|| "the complainant".into());
                            let name = if f.scan.may_open() {
                                let href = format!("/staff/cases/{compact}/evidence/{}", f.id);
                                view! { <a href=href download>{f.name.clone()}</a> }.into_any()
                            } else {
                                view! { <span>{f.name.clone()}</span> }.into_any()
                            };
                            view! {
                                <tr>
                                    <td class="table__cell">{name}</td>
                                    <td class="table__cell">{f.kind.label()}</td>
                                    <td class="table__cell">{size_words(f.size)}</td>
                                    <td class="table__cell">{format!("{} by {by}", date_time(f.added_at))}</td>
                                    <td class="table__cell">{state_words(f.scan)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            }.into_any()
        }}
        {(!refused.is_empty()).then(|| view! {
            <h3 class="heading-s">"Files refused by the virus scanner"</h3>
            <ul class="list">
                {refused.iter().map(|r| view! {
                    <li>{format!("{}: \u{201c}{}\u{201d} ({}), sent by {}", date_time(r.at), r.name, r.signature, r.added_by.clone().unwrap_or_else(|| "the complainant".into()))}</li>
                }).collect_view()}
            </ul>
        })}
        {upload_form(action, csrf, "Add a file", "For example a scanned letter. PDF, JPG, PNG, HEIC, GIF, WebP, text, Word, OpenDocument text or email.", problem)}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_words(1536), "2 KB");
        assert_eq!(size_words(3 * 1024 * 1024), "3.0 MB");
    }
}

/// The staff form for adding a file (the case page's and the key-in receipt's): a plain
/// multipart form, its token first so that it is checked before the file is read.
pub fn upload_form(
    action: String,
    csrf: String,
    label: &'static str,
    hint: &'static str,
    problem: Option<String>,
) -> impl IntoView {
    view! {
        <form method="post" action=action enctype="multipart/form-data" novalidate>
            <input type="hidden" name="_csrf" value=csrf/>
            <div class="form-group" class:form-group--error=problem.is_some()>
                <label class="label" for="file">{label}</label>
                <p id="file-hint" class="hint">{hint}</p>
                {problem.clone().map(|p| view! { <p id="file-error" class="error-message"><span class="visually-hidden">"Error: "</span>{p}</p> })}
                <input class="file-upload" id="file" name="file" type="file" accept=accept_list()
                    aria-describedby=if problem.is_some() { "file-hint file-error" } else { "file-hint" }/>
            </div>
            <button type="submit" class="button button--secondary">"Upload"</button>
        </form>
    }
}
