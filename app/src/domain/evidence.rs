//! Evidence: the files people and staff attach to a case (seed 004 §30 evidence sources,
//! §37c correspondence, notes and evidence). What kinds are taken, how a file's name is kept,
//! the limits, and what each refusal says (GOV.UK's file upload pattern). No I/O: the server
//! decides a file's kind from its bytes and asks these rules.

use serde::{Deserialize, Serialize};

/// The kinds of file taken, decided from the bytes (never the name or the browser's word).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
    Heic,
    Gif,
    Webp,
    Text,
    Docx,
    Odt,
    Email,
}

impl FileKind {
    pub const ALL: [FileKind; 10] = [
        FileKind::Pdf,
        FileKind::Jpeg,
        FileKind::Png,
        FileKind::Heic,
        FileKind::Gif,
        FileKind::Webp,
        FileKind::Text,
        FileKind::Docx,
        FileKind::Odt,
        FileKind::Email,
    ];

    pub fn id(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Jpeg => "jpeg",
            FileKind::Png => "png",
            FileKind::Heic => "heic",
            FileKind::Gif => "gif",
            FileKind::Webp => "webp",
            FileKind::Text => "text",
            FileKind::Docx => "docx",
            FileKind::Odt => "odt",
            FileKind::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.id() == s)
    }

    /// What staff see in the list of files.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF",
            FileKind::Jpeg => "JPEG image",
            FileKind::Png => "PNG image",
            FileKind::Heic => "HEIC image",
            FileKind::Gif => "GIF image",
            FileKind::Webp => "WebP image",
            FileKind::Text => "Text",
            FileKind::Docx => "Word document",
            FileKind::Odt => "OpenDocument text",
            FileKind::Email => "Email",
        }
    }

    /// The type a download is labelled with (served as an attachment whatever it says).
    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Heic => "image/heic",
            FileKind::Gif => "image/gif",
            FileKind::Webp => "image/webp",
            FileKind::Text => "text/plain; charset=utf-8",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Odt => "application/vnd.oasis.opendocument.text",
            FileKind::Email => "message/rfc822",
        }
    }

    /// The extension a download's name is given, so it opens in the right program.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
            FileKind::Heic => "heic",
            FileKind::Gif => "gif",
            FileKind::Webp => "webp",
            FileKind::Text => "txt",
            FileKind::Docx => "docx",
            FileKind::Odt => "odt",
            FileKind::Email => "eml",
        }
    }

    /// Whether its pictures can carry location and camera data that must go before storing.
    pub fn has_photo_metadata(self) -> bool {
        matches!(self, FileKind::Jpeg | FileKind::Png | FileKind::Webp)
    }
}

/// The file input's `accept`: the extensions of the kinds taken (a hint to the phone's file
/// picker only; the bytes decide).
pub fn accept_list() -> String {
    let mut exts: Vec<&str> = FileKind::ALL.iter().map(|k| k.extension()).collect();
    exts.extend(["jpeg", "heif"]);
    exts.iter()
        .map(|e| format!(".{e}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// How many files, and how large.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvidenceLimits {
    pub max_file_bytes: u64,
    /// Files the complainant may send to one case through the link.
    pub max_files_public: u32,
}

impl Default for EvidenceLimits {
    fn default() -> Self {
        EvidenceLimits {
            max_file_bytes: 10 * 1024 * 1024,
            max_files_public: 10,
        }
    }
}

impl EvidenceLimits {
    /// "10MB", as GOV.UK writes sizes in its error messages.
    pub fn max_size_words(&self) -> String {
        let mb = self.max_file_bytes as f64 / (1024.0 * 1024.0);
        if mb.fract() == 0.0 {
            format!("{mb:.0}MB")
        } else {
            format!("{mb:.1}MB")
        }
    }
}

/// Why a file was not taken. Each says what to do (GOV.UK's file upload error messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NoFile,
    Empty,
    TooBig {
        max: String,
    },
    KindNotAllowed,
    TooMany {
        max: u32,
    },
    /// The virus scanner found something: never stored.
    Infected,
}

impl Refusal {
    /// The message in English (the page's language table has the Welsh).
    pub fn message(&self) -> String {
        match self {
            Refusal::NoFile => "Select a file".into(),
            Refusal::Empty => "The selected file is empty".into(),
            Refusal::TooBig { max } => format!("The selected file must be smaller than {max}"),
            Refusal::KindNotAllowed => {
                "The selected file must be a PDF, JPG, PNG, HEIC, GIF, WebP, TXT, Word document (DOCX), OpenDocument text (ODT) or email (EML)".into()
            }
            Refusal::TooMany { max } => format!("You can only send {max} files"),
            Refusal::Infected => "The selected file contains a virus".into(),
        }
    }
}

/// A file's name as people see it: only the last part of any path, no control or formatting
/// characters, at most 120 characters; "file" if nothing is left. It is text to show, never
/// a name on any disk.
pub fn clean_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_format_char(*c))
        .collect();
    let trimmed: String = cleaned.trim().chars().take(120).collect();
    let trimmed = trimmed.trim().trim_start_matches('.').to_string();
    if trimmed.is_empty() {
        "file".into()
    } else {
        trimmed
    }
}

/// Bidirectional overrides and zero-width characters: they can make "exe.pdf" read as
/// "fdp.exe" or hide part of a name.
fn is_format_char(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// How far a stored file has got with the virus scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanState {
    /// Not scanned yet (the scanner was unreachable): not offered to staff.
    Waiting,
    /// Scanned, nothing found.
    Clean,
    /// No scanner is configured: offered to staff with a warning.
    NotScanned,
}

impl ScanState {
    pub fn id(self) -> &'static str {
        match self {
            ScanState::Waiting => "waiting",
            ScanState::Clean => "clean",
            ScanState::NotScanned => "not_scanned",
        }
    }

    pub fn parse(s: &str) -> Option<ScanState> {
        [ScanState::Waiting, ScanState::Clean, ScanState::NotScanned]
            .into_iter()
            .find(|k| k.id() == s)
    }

    /// Whether staff may open it.
    pub fn may_open(self) -> bool {
        self != ScanState::Waiting
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_is_only_text_to_show() {
        assert_eq!(clean_name("C:\\Users\\sam\\letter.pdf"), "letter.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("photo\u{0}\n.jpg"), "photo.jpg");
        assert_eq!(clean_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(clean_name("   "), "file");
        assert_eq!(clean_name(".htaccess"), "htaccess");
        assert_eq!(clean_name(&"a".repeat(300)).chars().count(), 120);
        assert_eq!(clean_name("Llythyr – cyngor.pdf"), "Llythyr – cyngor.pdf");
    }

    #[test]
    fn kinds_round_trip_and_the_accept_list_names_each() {
        for k in FileKind::ALL {
            assert_eq!(FileKind::parse(k.id()), Some(k));
            assert!(accept_list().contains(&format!(".{}", k.extension())));
        }
        assert!(FileKind::Jpeg.has_photo_metadata());
        assert!(!FileKind::Pdf.has_photo_metadata());
    }

    #[test]
    fn refusals_say_what_to_do_in_govuk_words() {
        let l = EvidenceLimits::default();
        assert_eq!(l.max_size_words(), "10MB");
        assert_eq!(
            Refusal::TooBig {
                max: l.max_size_words()
            }
            .message(),
            "The selected file must be smaller than 10MB"
        );
        assert_eq!(
            Refusal::TooMany { max: 10 }.message(),
            "You can only send 10 files"
        );
        assert!(ScanState::Clean.may_open() && ScanState::NotScanned.may_open());
        assert!(!ScanState::Waiting.may_open());
    }
}
