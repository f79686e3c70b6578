//! Every form component, rendered on the server as the staff pages and the script-free public
//! form render it, with hostile markup as every value it shows: no markup gets through.
//! (tachys writes a <textarea>'s children unescaped; issue 28 found answers reflected raw.)

use app::domain::FieldError;
use app::ui::fields::{
    Checkbox, Checkboxes, Choice, ErrorSummary, Field, Radios, Select, TextArea, TextField,
};
use leptos::prelude::*;

/// Values that end the element they are put in, or its attribute, and start markup.
const HOSTILE: [&str; 4] = [
    "</textarea><b>x</b>",
    "\"><b>x</b>",
    "'><b>x</b>",
    "Large print</textarea><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\"><textarea>",
];

fn render(value: &'static str) -> String {
    let errors = vec![FieldError::new("a", value), FieldError::new("b", value)];
    Owner::new().with(move || {
        let choices = vec![Choice::new(value, value).hint(value), Choice::new("x", "y")];
        let errs = errors.clone();
        view! {
            <ErrorSummary errors=Signal::stored(errs) problem=Signal::stored(Some(value.to_string()))/>
            <TextField field=Field::fixed("a", value, &errors) label=value/>
            <TextArea field=Field::fixed("b", value, &errors) label=value/>
            <TextArea field=Field::fixed("c", value, &errors) label=value heading=true/>
            <Radios field=Field::fixed("d", value, &errors) legend=value choices=choices.clone()/>
            <Checkboxes field=Field::fixed("e", value, &errors) legend=value choices=choices.clone()/>
            <Checkbox field=Field::fixed("f", value, &errors) label=value/>
            <Select field=Field::fixed("g", value, &errors) label=value choices=choices/>
        }
        .to_html()
    })
}

#[test]
fn no_component_lets_markup_through_whatever_the_value() {
    for value in HOSTILE {
        let html = render(value);
        assert!(
            !html.contains("<b>"),
            "markup got through for {value:?}:\n{html}"
        );
        assert!(
            !html.contains("<meta"),
            "markup got through for {value:?}:\n{html}"
        );
        // Exactly the boxes rendered: none was ended early and another begun.
        assert_eq!(html.matches("<textarea").count(), 2, "{html}");
        assert_eq!(html.matches("</textarea>").count(), 2, "{html}");
        // The value is still there for the person to see and correct, escaped.
        let shown = value
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert!(html.contains(&shown), "{html}");
    }
}
