//! A council's look (brand colour, logo, font stack) and where the widget may be embedded.
//! The colour must keep WCAG AA contrast: links and the header stripe use it on white, so a
//! colour that fails is darkened until it passes rather than shipped unreadable.

use serde::{Deserialize, Serialize};

/// WCAG 2.x AA for normal text.
pub const AA_CONTRAST: f64 = 4.5;

/// An sRGB colour written `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Colour {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Colour {
    pub const WHITE: Colour = Colour {
        r: 255,
        g: 255,
        b: 255,
    };

    pub fn parse(raw: &str) -> Result<Colour, String> {
        let hex = raw.trim().strip_prefix('#').unwrap_or("");
        let expanded: String = match hex.len() {
            3 => hex.chars().flat_map(|c| [c, c]).collect(),
            6 => hex.to_string(),
            _ => return Err(format!("'{raw}' is not a colour like #1d70b8")),
        };
        let byte = |i: usize| {
            u8::from_str_radix(&expanded[i..i + 2], 16)
                .map_err(|_| format!("'{raw}' is not a colour like #1d70b8"))
        };
        Ok(Colour {
            r: byte(0)?,
            g: byte(2)?,
            b: byte(4)?,
        })
    }

    /// Relative luminance (WCAG 2.x).
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = c as f64 / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.r) + 0.7152 * channel(self.g) + 0.0722 * channel(self.b)
    }

    pub fn contrast(self, other: Colour) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (hi, lo) = if a > b { (a, b) } else { (b, a) };
        (hi + 0.05) / (lo + 0.05)
    }

    /// The same hue made darker by `fraction` (0 = unchanged, 1 = black).
    pub fn darken(self, fraction: f64) -> Colour {
        let f = |c: u8| ((c as f64) * (1.0 - fraction)).round().clamp(0.0, 255.0) as u8;
        Colour {
            r: f(self.r),
            g: f(self.g),
            b: f(self.b),
        }
    }

    /// This colour if it reaches AA contrast on white, otherwise the lightest darker shade of
    /// it that does (so the council's hue is kept).
    pub fn readable_on_white(self) -> Colour {
        if self.contrast(Colour::WHITE) >= AA_CONTRAST {
            return self;
        }
        (1..=100)
            .map(|step| self.darken(step as f64 / 100.0))
            .find(|c| c.contrast(Colour::WHITE) >= AA_CONTRAST)
            .unwrap_or(Colour { r: 0, g: 0, b: 0 })
    }
}

impl std::fmt::Display for Colour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

impl TryFrom<String> for Colour {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Colour::parse(&s)
    }
}

impl From<Colour> for String {
    fn from(c: Colour) -> String {
        c.to_string()
    }
}

/// A web origin a council's pages are served from: scheme, host and port, nothing else.
pub fn parse_origin(raw: &str) -> Result<String, String> {
    let raw = raw.trim().trim_end_matches('/');
    let (scheme, rest) = raw
        .split_once("://")
        .ok_or_else(|| format!("'{raw}' is not an origin like https://www.example.gov.uk"))?;
    if scheme != "https" && scheme != "http" {
        return Err(format!(
            "'{raw}': an origin starts with https:// (or http:// for testing)"
        ));
    }
    let host_ok = !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !host_ok {
        return Err(format!(
            "'{raw}' is not an origin: give only the scheme, host and port, like https://www.example.gov.uk"
        ));
    }
    Ok(format!("{scheme}://{}", rest.to_ascii_lowercase()))
}

/// A CSS font stack: family names and generic families, nothing that could end the rule.
pub fn parse_font_stack(raw: &str) -> Result<String, String> {
    let ok = raw
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, ' ' | ',' | '-' | '"' | '\'' | '_'));
    if raw.trim().is_empty() || !ok {
        return Err(format!(
            "'{raw}' is not a font stack like \"Arial, sans-serif\""
        ));
    }
    Ok(raw.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_matches_wcag_reference_values() {
        let black = Colour::parse("#000").unwrap();
        assert!((black.contrast(Colour::WHITE) - 21.0).abs() < 0.01);
        assert!((Colour::WHITE.contrast(Colour::WHITE) - 1.0).abs() < 1e-9);
        // GOV.UK blue on white: 5.17:1.
        let blue = Colour::parse("#1d70b8").unwrap();
        assert!((blue.contrast(Colour::WHITE) - 5.17).abs() < 0.02);
        // #777 on white is the classic near miss (4.48:1).
        let grey = Colour::parse("#777777").unwrap();
        assert!(grey.contrast(Colour::WHITE) < AA_CONTRAST);
    }

    #[test]
    fn a_colour_that_fails_is_darkened_until_it_passes() {
        let blue = Colour::parse("#1d70b8").unwrap();
        assert_eq!(blue.readable_on_white(), blue);
        for raw in ["#ffdd00", "#777777", "#00a0e0", "#ff69b4", "#fff"] {
            let c = Colour::parse(raw).unwrap();
            let fixed = c.readable_on_white();
            assert!(
                fixed.contrast(Colour::WHITE) >= AA_CONTRAST,
                "{raw} -> {fixed}"
            );
            // Only as dark as needed: one step lighter would fail.
            let step = (1..=100)
                .find(|k| c.darken(*k as f64 / 100.0) == fixed)
                .unwrap();
            let lighter = c.darken((step - 1) as f64 / 100.0);
            assert!(
                lighter.contrast(Colour::WHITE) < AA_CONTRAST,
                "{raw}: {lighter} would do"
            );
        }
    }

    #[test]
    fn colours_parse_and_print() {
        assert_eq!(Colour::parse("#1D70B8").unwrap().to_string(), "#1d70b8");
        assert_eq!(Colour::parse(" #abc ").unwrap().to_string(), "#aabbcc");
        for bad in [
            "1d70b8",
            "#1d70b",
            "#gggggg",
            "red",
            "#1d70b8;}body{display:none",
        ] {
            assert!(Colour::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        assert_eq!(
            parse_origin("https://www.Example.gov.uk/").unwrap(),
            "https://www.example.gov.uk"
        );
        assert_eq!(
            parse_origin("http://localhost:3108").unwrap(),
            "http://localhost:3108"
        );
        for bad in [
            "www.example.gov.uk",
            "ftp://x",
            "https://x/privacy",
            "https://x y",
            "https://a.gov.uk;script-src *",
            "https://",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn font_stacks_cannot_break_out_of_css() {
        assert_eq!(
            parse_font_stack("\"Open Sans\", Arial, sans-serif").unwrap(),
            "\"Open Sans\", Arial, sans-serif"
        );
        assert!(parse_font_stack("Arial; } body { display: none").is_err());
        assert!(parse_font_stack("").is_err());
    }
}
