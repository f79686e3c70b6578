//! The accessibility statement at `/accessibility`, which the Public Sector Bodies (Websites
//! and Mobile Applications) (No. 2) Accessibility Regulations 2018 require of every public
//! sector website, following GOV.UK's model statement. Rendered on the server only (the
//! WebAssembly carries none of it); linked from every public page's footer. The council's
//! contact details come from configuration, the dates from `[accessibility]`.

use crate::AppState;
use app::i18n::{Lang, Words};
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::Uri;
use axum::response::Response;
use leptos::prelude::*;

pub async fn statement(State(state): State<AppState>, uri: Uri) -> Response {
    // "/accessibility" or "/cy/accessibility".
    let w = Words::of(Lang::of_path(uri.path()).0);
    let other = w.lang.other();
    let org = state.organisation.clone();
    let dates = state.config.accessibility.clone();
    let url = format!("{}/", state.config.outbox.public_url);
    let head = crate::html::Head {
        title: format!(
            "{} – {}",
            w.tr("Accessibility statement"),
            w.text(&org.name)
        ),
        stylesheet: Some(state.stylesheet.to_string()),
        noindex: false,
    };
    let address = org.address.join(", ");
    crate::html::document_in(w.lang, StatusCode::OK, head, "", move || {
        view! {
            <div class="width-container">
                <main id="main" class="main">
                    <nav class="language-switch" aria-label=w.tr("Language")>
                        <span class="language-switch__current" aria-current="true">{w.lang.own_name()}</span>
                        " | "
                        <a href=other.path("/accessibility") lang=other.html() hreflang=other.html()>{other.own_name()}</a>
                    </nav>
                    <h1 class="heading-l">{w.tr("Accessibility statement for the data protection complaint form")}</h1>
                    <p class="body">{w.fill("This accessibility statement applies to the data protection complaint form at {url}, run by {organisation}.", &[("url", url.clone()), ("organisation", w.text(&org.name))])}</p>
                    <p class="body">{w.tr("We want as many people as possible to be able to use this form. For example, that means you should be able to:")}</p>
                    <ul class="list list--bullet">
                        <li>{w.tr("change colours, contrast levels and fonts using your browser or device settings")}</li>
                        <li>{w.tr("zoom in up to 400% without the text spilling off the screen")}</li>
                        <li>{w.tr("use the whole form with a keyboard, or with speech recognition software")}</li>
                        <li>{w.tr("use the whole form with a screen reader (including recent versions of NVDA, JAWS and VoiceOver)")}</li>
                        <li>{w.tr("use the form with JavaScript turned off, or on a slow connection")}</li>
                        <li>{w.tr("have your browser or phone fill in your name and contact details")}</li>
                    </ul>
                    <p class="body">{w.tr("We have also made the text as simple as we can to understand.")}</p>
                    <p class="body">
                        <a href="https://mcmw.abilitynet.org.uk/">"AbilityNet"</a>
                        {w.tr(" has advice on making your device easier to use if you have a disability.")}
                    </p>

                    <h2 class="heading-m">{w.tr("How accessible this form is")}</h2>
                    <p class="body">{w.tr("We know some parts of this form are not yet fully accessible:")}</p>
                    <ul class="list list--bullet">
                        <li>{w.tr("the Welsh version of the form has been translated with care but not yet checked by a professional translator")}</li>
                        <li>{w.tr("it has not yet been tested by people who use assistive technologies, or audited by hand against every WCAG success criterion (see below)")}</li>
                        <li>{w.tr("if your browser does not let websites store anything (for example in some private browsing modes), the form cannot keep a draft of your answers, so you need to finish it in one go; it tells you when this happens")}</li>
                    </ul>

                    <h2 class="heading-m">{w.tr("Feedback and contact information")}</h2>
                    <p class="body">{w.tr("If you need information on this form in a different format, such as accessible PDF, large print, easy read, audio recording or braille, or you would rather complain another way:")}</p>
                    <ul class="list list--bullet">
                        <li>{w.fill("email {email}", &[("email", org.email.clone())])}</li>
                        <li>{w.fill("call {telephone}", &[("telephone", org.telephone.clone())])}</li>
                        <li>{w.fill("write to {organisation}, {address}", &[("organisation", w.text(&org.name)), ("address", address.clone())])}</li>
                    </ul>
                    <p class="body">{w.tr("We will consider your request and get back to you within 5 working days. A complaint made by telephone, by letter or in person is handled in exactly the same way as one made with this form.")}</p>

                    <h2 class="heading-m">{w.tr("Reporting accessibility problems with this form")}</h2>
                    <p class="body">{w.fill("We are always looking to improve the accessibility of this form. If you find any problems not listed on this page, or think we are not meeting accessibility requirements, contact us by email at {email} or by telephone on {telephone}.", &[("email", org.email.clone()), ("telephone", org.telephone.clone())])}</p>

                    <h2 class="heading-m">{w.tr("Enforcement procedure")}</h2>
                    <p class="body">{w.tr("The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the accessibility regulations). If you are not happy with how we respond to your complaint, ")}
                        <a href="https://www.equalityadvisoryservice.com/">{w.tr("contact the Equality Advisory and Support Service (EASS)")}</a>
                        "."
                    </p>
                    <p class="body">{w.tr("If you are in Northern Ireland and are not happy with how we respond to your complaint, you can contact the ")}
                        <a href="https://www.equalityni.org/Home">{w.tr("Equality Commission for Northern Ireland")}</a>
                        {w.tr(", which is responsible for enforcing the accessibility regulations in Northern Ireland.")}
                    </p>

                    <h2 class="heading-m">{w.tr("Technical information about this form's accessibility")}</h2>
                    <p class="body">{w.fill("{organisation} is committed to making its websites accessible, in accordance with the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018.", &[("organisation", w.text(&org.name))])}</p>
                    <h3 class="heading-s">{w.tr("Compliance status")}</h3>
                    <p class="body">{w.tr("This form is partially compliant with the ")}
                        <a href="https://www.w3.org/TR/WCAG22/">{w.tr("Web Content Accessibility Guidelines version 2.2")}</a>
                        {w.tr(" AA standard: automated checks find no failures, but it has not yet been audited by hand, and the issues listed above remain.")}
                    </p>

                    <h2 class="heading-m">{w.tr("How we tested this form")}</h2>
                    <p class="body">{w.tr("Every change to the form is tested automatically before it is released. A real browser (Chromium) goes through every page of the form at the sizes of two phones (320 by 640 and 390 by 844 pixels), both with JavaScript and with JavaScript turned off, and checks each page against WCAG 2.2 A and AA with the axe-core accessibility engine, including error messages, the check-your-answers page and the confirmation. The same tests find every field by its visible label, fill in the whole form using only those labels, and check that each personal detail tells the browser what it holds, so phones can fill it in.")}</p>
                    <p class="body">{w.tr("Automated checks cannot find every problem. They cannot tell whether text alternatives and labels make sense, whether the wording is clear, whether the order of the page makes sense to a screen reader user, or how the form works with speech recognition or screen magnification. We will have the form tested by hand and with assistive technology users, and update this statement.")}</p>

                    <h2 class="heading-m">{w.tr("Preparation of this accessibility statement")}</h2>
                    <p class="body">{w.fill("This statement was prepared on {prepared}. It was last reviewed on {reviewed}.", &[("prepared", w.date(dates.prepared_on)), ("reviewed", w.date(dates.reviewed_on))])}</p>
                    <p class="body"><a href=w.lang.path("/")>{w.tr("Back to the complaint form")}</a></p>
                </main>
            </div>
        }
    })
}
