//! Downloads for committee papers: the report and the register as CSV (the `csv` crate) and as
//! an OpenDocument spreadsheet (`spreadsheet-ods`). A text cell that a spreadsheet would read
//! as a formula is neutralised (OWASP "CSV injection"): a name typed as `=HYPERLINK(…)` must
//! never run on a councillor's laptop.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// One cell of a table to download.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<u32> for Cell {
    fn from(n: u32) -> Cell {
        Cell::Number(n.into())
    }
}

/// A named table: one sheet of the spreadsheet; in CSV, the tables follow one another.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Whether a spreadsheet could read `s` as the start of a formula: one of the signs that
/// start one (the fullwidth ones too, which some spreadsheets and input methods read as the
/// plain ones), after any spaces or quotes an import may trim.
fn starts_formula(s: &str) -> bool {
    let s = s.trim_start_matches([' ', '"', '\'']);
    matches!(
        s.chars().next(),
        Some(
            '=' | '+'
                | '-'
                | '@'
                | '\t'
                | '\r'
                | '\n'
                | '\u{FF1D}'
                | '\u{FF0B}'
                | '\u{FF0D}'
                | '\u{FF20}'
        )
    )
}

/// Text a spreadsheet would take for a formula, made plain with an apostrophe (OWASP): at its
/// start, and after every character a spreadsheet may split a line by (a semicolon in many
/// European locales, a tab, a bar, a line break), since each piece can become a cell.
pub fn neutralised(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    if starts_formula(text) {
        out.push('\'');
    }
    for (i, c) in text.char_indices() {
        out.push(c);
        if matches!(c, ',' | ';' | '\t' | '|' | '\n' | '\r')
            && starts_formula(&text[i + c.len_utf8()..])
        {
            out.push('\'');
        }
    }
    out
}

fn text_of(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => neutralised(t),
        Cell::Number(n) if n.fract() == 0.0 => format!("{n:.0}"),
        Cell::Number(n) => format!("{n}"),
    }
}

/// Every field quoted: a spreadsheet guessing another separator still keeps each cell whole.
fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .flexible(true)
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new())
}

/// Rows of cells as CSV lines (for a download streamed in chunks; header cells neutralised
/// like any text).
pub fn csv_records(rows: impl IntoIterator<Item = Vec<Cell>>) -> Result<Vec<u8>, String> {
    let mut w = csv_writer();
    for row in rows {
        w.write_record(row.iter().map(text_of))
            .map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

pub fn to_csv(tables: &[Table]) -> Result<Vec<u8>, String> {
    let mut w = csv_writer();
    for (i, t) in tables.iter().enumerate() {
        if tables.len() > 1 {
            if i > 0 {
                w.write_record([""]).map_err(|e| e.to_string())?;
            }
            w.write_record([neutralised(&t.name)])
                .map_err(|e| e.to_string())?;
        }
        w.write_record(t.header.iter().map(|h| neutralised(h)))
            .map_err(|e| e.to_string())?;
        for row in &t.rows {
            w.write_record(row.iter().map(text_of))
                .map_err(|e| e.to_string())?;
        }
    }
    w.into_inner().map_err(|e| e.to_string())
}

pub fn to_ods(tables: &[Table]) -> Result<Vec<u8>, String> {
    use spreadsheet_ods::{Sheet, WorkBook};
    let mut book = WorkBook::new_empty();
    for t in tables {
        // Sheet names may not hold some characters, and are at most 31 long in most readers.
        let name: String = t
            .name
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | '*' | '?' | ':' | '/' | '\\'))
            .take(31)
            .collect();
        let mut sheet = Sheet::new(name);
        // Text cells are typed as text in the file (office:value-type="string"): a spreadsheet
        // shows them as they are and never reads them as a formula, so nothing is added.
        for (c, h) in t.header.iter().enumerate() {
            sheet.set_value(0, c as u32, h.as_str());
        }
        for (r, row) in t.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u32);
                match cell {
                    Cell::Text(s) => sheet.set_value(r, c, s.as_str()),
                    Cell::Number(n) => sheet.set_value(r, c, *n),
                }
            }
        }
        book.push_sheet(sheet);
    }
    spreadsheet_ods::write_ods_buf(&mut book, Vec::new()).map_err(|e| e.to_string())
}

/// A download: its type, and a file name that says what it is and carries no personal data.
pub fn download(body: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

pub const CSV: &str = "text/csv; charset=utf-8";
pub const ODS: &str = "application/vnd.oasis.opendocument.spreadsheet";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_looking_text_is_made_plain() {
        for bad in [
            "=1+1",
            "+44 7700",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            " =1+1",
            "\"=1+1",
            "\u{FF1D}1+1",
            "\u{FF0B}1",
            "\u{FF0D}1",
            "\u{FF20}SUM(A1)",
        ] {
            assert!(neutralised(bad).starts_with('\''), "{bad:?}");
        }
        // After a separator a spreadsheet may split by: each piece is made plain.
        assert_eq!(neutralised("Sam;=1+1"), "Sam;'=1+1");
        assert_eq!(neutralised("Sam,=1+1"), "Sam,'=1+1");
        assert_eq!(neutralised("Sam\t@x|+y"), "Sam\t'@x|'+y");
        assert_eq!(neutralised("Sam; \u{FF1D}1"), "Sam;' \u{FF1D}1");
        assert_eq!(neutralised("line\n=cmd"), "line\n'=cmd");
        assert_eq!(
            neutralised("Sam Example; Flat 2, High St"),
            "Sam Example; Flat 2, High St"
        );
        assert_eq!(neutralised(""), "");
    }

    #[test]
    fn csv_and_ods_hold_the_same_cells() {
        let tables = vec![Table {
            name: "Received".into(),
            header: vec!["Measure".into(), "Value".into()],
            rows: vec![
                vec!["Complaints".into(), 12u32.into()],
                vec!["=HYPERLINK(\"x\")".into(), 3u32.into()],
                vec!["Sam;=1+1".into(), 1u32.into()],
            ],
        }];
        let csv = String::from_utf8(to_csv(&tables).unwrap()).unwrap();
        assert_eq!(
            csv,
            "\"Measure\",\"Value\"\n\"Complaints\",\"12\"\n\"'=HYPERLINK(\"\"x\"\")\",\"3\"\n\"Sam;'=1+1\",\"1\"\n"
        );
        // In the spreadsheet the text is typed as text, exactly as given: no apostrophe shows.
        let ods = to_ods(&tables).unwrap();
        let book = spreadsheet_ods::read_ods_buf(&ods).unwrap();
        let sheet = book.sheet(0);
        assert_eq!(sheet.value(1, 0).as_str_or_default(), "Complaints");
        assert_eq!(sheet.value(1, 1).as_f64_or_default(), 12.0);
        assert_eq!(sheet.value(2, 0).as_str_or_default(), "=HYPERLINK(\"x\")");
        assert_eq!(
            sheet.value(2, 0).value_type(),
            spreadsheet_ods::ValueType::Text
        );
        assert!(sheet.formula(2, 0).is_none());
        assert_eq!(sheet.value(3, 0).as_str_or_default(), "Sam;=1+1");
    }
}
