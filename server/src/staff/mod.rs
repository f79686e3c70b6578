//! The staff pages: sign-in, telephone and postal intake, the register, case work, the audit
//! trail and accounts. Plain server-rendered HTML forms (no scripts at all), behind
//! server-side sessions.
//!
//! Every route is declared once in `table()` with the access it needs, and the router is
//! built from that table only; the integration tests walk the same table, so a new page
//! cannot be added without its access being checked.

//! The layout, one module per resource:
//! - `mod.rs` (here): the route table, sessions, CSRF and role checks, the extractors;
//! - `error`: `StaffError`, the one error type of these pages, and the failure log;
//! - `components`: the page frame and pieces pages share (fields are `app::ui::fields`);
//! - `auth`: sign-in with a password and sign-out; `two_step`: the second step and setting it
//!   up; `oidc`: signing in through the council's identity provider; `signed_in`: what every
//!   way of signing in does at the end, and the known-browser cookie;
//! - `home`, `key_in` (telephone and postal intake), `register` (register, find, actions), `register_download`;
//! - `case/`: one case: `page`, `handling` (notes, handler), `moves` (status), `letters`;
//! - `post` (the print queue), `messages` (the DPO's view of the outbox);
//! - `accounts`: the DPO's audit trail and accounts;
//! - `retention` (rules, what is due, holds, runs) and `subject_access`, for the DPO.

mod accounts;
pub mod auth;
mod case;
mod components;
mod error;
mod evidence;
mod exports;
mod home;
mod key_in;
mod messages;
pub mod oidc;
mod opt_outs;
mod post;
mod recommendations;
mod register;
pub(crate) mod register_bulk;
mod register_download;
mod register_filters;
mod reports;
mod retention;
mod signed_in;
mod subject_access;
mod totp;
pub mod two_step;

pub mod throttle;

pub use components::{category_label, team_name};

/// Too many sign-in attempts from this address (the per-client rate limit): a staff page.
pub fn too_many_attempts() -> Response {
    crate::metrics::rate_limited("sign_in");
    let mut response = components::message_page(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many sign-in attempts",
        "Too many attempts came from this address. Wait a minute or two, then try again.",
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub use auth::hash_password;

use crate::AppState;
use app::domain::casework::Role;
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::MethodRouter;
use axum::Router;
use error::StaffError;
use rand::RngCore;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The sign-in page itself.
    Anyone,
    /// Signed-in staff with at least this role.
    Staff(Role),
}

#[derive(Debug, Clone)]
pub struct StaffRoute {
    pub method: Method,
    /// An axum path; `{reference}` and `{id}` stand for a case reference and a letter id.
    pub path: &'static str,
    pub access: Access,
}

/// Every staff route: method, path, who may use it, handler. The router is built from this
/// table and the tests walk it (each route refuses the roles it does not name).
fn table() -> Vec<(StaffRoute, MethodRouter<AppState>)> {
    use Access::*;
    use Role::*;
    macro_rules! routes {
        ($($method:ident $path:literal $access:expr => $handler:expr;)*) => {
            vec![$((
                StaffRoute { method: Method::$method, path: $path, access: $access },
                axum::routing::on(axum::routing::MethodFilter::$method, $handler),
            ),)*]
        };
    }
    #[rustfmt::skip]
    let routes = routes! {
        GET "/staff/sign-in" Anyone => auth::sign_in_page;
        POST "/staff/sign-in" Anyone => auth::sign_in;
        GET "/staff/sign-in/oidc" Anyone => oidc::start;
        GET "/staff/sign-in/oidc/callback" Anyone => oidc::callback;
        GET "/staff/two-step" Anyone => two_step::show;
        POST "/staff/two-step" Anyone => two_step::check;
        GET "/staff/two-step/enrol" Anyone => two_step::show_enrol;
        POST "/staff/two-step/enrol" Anyone => two_step::confirm_enrol;
        POST "/staff/sign-out" Staff(Intake) => auth::sign_out;
        GET "/staff" Staff(Intake) => home::home;
        GET "/staff/intake" Staff(Intake) => key_in::form;
        POST "/staff/intake" Staff(Intake) => key_in::submit;
        GET "/staff/intake/{reference}" Staff(Intake) => key_in::receipt;
        POST "/staff/intake/{reference}/evidence" Staff(Intake) => evidence::upload_at_intake;
        GET "/staff/intake/{reference}/evidence/{id}" Staff(Intake) => evidence::download_own;
        GET "/staff/register" Staff(Handler) => register::register;
        POST "/staff/register/bulk" Staff(Handler) => register_bulk::bulk;
        GET "/staff/find" Staff(Handler) => register::find;
        GET "/staff/register.csv" Staff(Handler) => register_download::register_csv;
        GET "/staff/register.ods" Staff(Handler) => register_download::register_ods;
        GET "/staff/reports.csv" Staff(Handler) => reports::download_csv;
        GET "/staff/reports.ods" Staff(Handler) => reports::download_ods;
        GET "/staff/reports" Staff(Handler) => reports::show;
        GET "/staff/actions" Staff(Handler) => register::actions;
        GET "/staff/cases/{reference}" Staff(Handler) => case::page::show;
        POST "/staff/cases/{reference}/notes" Staff(Handler) => case::handling::add_note;
        POST "/staff/cases/{reference}/assign" Staff(Handler) => case::handling::assign;
        POST "/staff/cases/{reference}/confirm" Staff(Handler) => case::handling::confirm;
        POST "/staff/cases/{reference}/acknowledge" Staff(Handler) => case::moves::acknowledge;
        POST "/staff/cases/{reference}/investigate" Staff(Handler) => case::moves::investigate;
        GET "/staff/cases/{reference}/outcome" Staff(Handler) => case::moves::show_outcome_form;
        POST "/staff/cases/{reference}/outcome" Staff(Handler) => case::moves::send_outcome;
        GET "/staff/cases/{reference}/close" Staff(Handler) => case::moves::show_close_form;
        POST "/staff/cases/{reference}/close" Staff(Handler) => case::moves::close;
        GET "/staff/cases/{reference}/end" Staff(Handler) => case::procedure::show_end_form;
        POST "/staff/cases/{reference}/end" Staff(Handler) => case::procedure::end;
        GET "/staff/cases/{reference}/update" Staff(Handler) => case::procedure::show_update_form;
        POST "/staff/cases/{reference}/update" Staff(Handler) => case::procedure::update;
        GET "/staff/cases/{reference}/clarify" Staff(Handler) => case::waiting::show_clarify_form;
        POST "/staff/cases/{reference}/clarify" Staff(Handler) => case::waiting::clarify;
        GET "/staff/cases/{reference}/remind" Staff(Handler) => case::waiting::show_remind_form;
        POST "/staff/cases/{reference}/remind" Staff(Handler) => case::waiting::remind;
        POST "/staff/cases/{reference}/reply" Staff(Handler) => case::waiting::reply;
        POST "/staff/cases/{reference}/mp" Staff(Handler) => case::procedure::set_mp;
        POST "/staff/cases/{reference}/flags/{flag}" Staff(Handler) => case::procedure::work_flag;
        POST "/staff/cases/{reference}/reclassify" Staff(Handler) => case::procedure::reclassify;
        GET "/staff/cases/{reference}/plan" Staff(Handler) => case::investigation::show_plan_form;
        POST "/staff/cases/{reference}/plan" Staff(Handler) => case::investigation::plan;
        GET "/staff/cases/{reference}/measures" Staff(Handler)
            => case::investigation::show_measure_form;
        POST "/staff/cases/{reference}/measures" Staff(Handler) => case::investigation::measure;
        GET "/staff/cases/{reference}/findings" Staff(Handler)
            => case::investigation::show_findings_form;
        POST "/staff/cases/{reference}/findings" Staff(Handler) => case::investigation::findings;
        GET "/staff/cases/{reference}/correct" Staff(Handler) => case::corrections::show_correct_form;
        POST "/staff/cases/{reference}/correct" Staff(Handler) => case::corrections::correct;
        POST "/staff/cases/{reference}/lodge" Staff(Handler) => case::procedure::lodge;
        POST "/staff/cases/{reference}/reopen" Staff(Handler) => case::procedure::reopen;
        POST "/staff/cases/{reference}/actions/{id}/done" Staff(Handler)
            => case::procedure::action_done;
        GET "/staff/cases/{reference}/letters/{id}" Staff(Handler) => case::letters::show;
        POST "/staff/cases/{reference}/evidence" Staff(Handler) => evidence::upload;
        GET "/staff/cases/{reference}/evidence/{id}" Staff(Handler) => evidence::download;
        GET "/staff/post" Staff(Handler) => post::queue;
        GET "/staff/post/print" Staff(Handler) => post::print_all;
        POST "/staff/post/{id}/posted" Staff(Handler) => post::mark_posted;
        GET "/staff/messages" Staff(Dpo) => messages::list;
        POST "/staff/messages/{id}/retry" Staff(Dpo) => messages::retry;
        POST "/staff/messages/{id}/cancel" Staff(Dpo) => messages::cancel;
        POST "/staff/cases/{reference}/hold" Staff(Dpo) => case::records::hold;
        POST "/staff/cases/{reference}/release" Staff(Dpo) => case::records::release;
        POST "/staff/cases/{reference}/restrict" Staff(Dpo) => case::records::restrict;
        POST "/staff/cases/{reference}/unrestrict" Staff(Dpo) => case::records::lift_restriction;
        GET "/staff/cases/{reference}/erase" Staff(Dpo) => case::records::erase_form;
        POST "/staff/cases/{reference}/erase" Staff(Dpo) => case::records::erase;
        GET "/staff/retention" Staff(Dpo) => retention::show;
        POST "/staff/retention/run" Staff(Dpo) => retention::run_now;
        GET "/staff/subject-access" Staff(Dpo) => subject_access::form;
        POST "/staff/subject-access" Staff(Dpo) => subject_access::search;
        POST "/staff/subject-access/export" Staff(Dpo) => subject_access::export;
        GET "/staff/audit" Staff(Dpo) => accounts::audit;
        GET "/staff/reports/recommendations" Staff(Dpo) => recommendations::show_add_form;
        POST "/staff/reports/recommendations" Staff(Dpo) => recommendations::add;
        GET "/staff/recommendations/{id}/done" Staff(Dpo) => recommendations::show_done_form;
        POST "/staff/recommendations/{id}/done" Staff(Dpo) => recommendations::done;
        GET "/staff/survey.csv" Staff(Dpo) => opt_outs::survey_csv;
        GET "/staff/publication.csv" Staff(Dpo) => opt_outs::publication_csv;
        GET "/staff/accounts" Staff(Dpo) => accounts::list;
        POST "/staff/accounts/{username}/unlock" Staff(Dpo) => accounts::unlock;
        GET "/staff/accounts/{username}" Staff(Dpo) => accounts::show;
        POST "/staff/accounts/{username}" Staff(Dpo) => accounts::change;
    };
    routes
}

/// Every staff route and the access it needs (for the tests that walk them all).
pub fn routes() -> Vec<StaffRoute> {
    table().into_iter().map(|(r, _)| r).collect()
}

/// Staff sessions end after this much inactivity.
pub const IDLE_MINUTES: i64 = 30;
pub const SESSION_COOKIE: &str = "intake_staff";

pub fn router(state: &AppState) -> Router<AppState> {
    let mut router = Router::new();
    // One layer, cloned: its clones share one allowance per client.
    let sign_in_limit = crate::limits::sign_ins(&state.config.limits, too_many_attempts);
    for (route, handler) in table() {
        // Signing in: a per-client rate limit in front of the guard (see `throttle`).
        // Signing in and the second step share one per-client limit (wrong codes count like
        // wrong passwords).
        let guarded = ["/staff/sign-in", "/staff/two-step", "/staff/two-step/enrol"];
        let handler = if guarded.contains(&route.path) && route.method == Method::POST {
            handler.layer(sign_in_limit.clone())
        } else {
            handler
        };
        // A file upload's body may be as large as the largest file taken (it is streamed to
        // disk, never held whole).
        let handler = if route.path.ends_with("/evidence") {
            let limit = state.config.evidence.limits.max_file_bytes as usize + 64 * 1024;
            handler.layer(axum::extract::DefaultBodyLimit::max(limit))
        } else {
            handler
        };
        let handler = match route.access {
            Access::Anyone => handler,
            Access::Staff(role) => {
                handler.route_layer(middleware::from_fn_with_state(role, require_role))
            }
        };
        router = router.route(route.path, handler);
    }
    let sessions = SessionManagerLayer::new(state.sessions.clone())
        .with_name(SESSION_COOKIE)
        .with_secure(true)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_path("/staff")
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(IDLE_MINUTES)));
    // Anything else under /staff is "not found", still with the staff pages' headers.
    router
        .route("/staff/{*rest}", axum::routing::any(components::not_found))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            viewer_and_csrf,
        ))
        .layer(middleware::from_fn(error::log_failures))
        .layer(sessions)
        // Personal data: never cached, never framed, no scripts at all.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        // A page's own (a download's sandbox) stays; every other answer gets this one.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                 frame-ancestors 'none'; base-uri 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
}

/// A signed-in member of staff, as the pages see them.
#[derive(Debug, Clone)]
pub struct StaffUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The team they work in, if set.
    pub team: Option<String>,
}

impl StaffUser {
    pub fn of(a: &crate::store::staff::StaffAccount) -> StaffUser {
        StaffUser {
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            role: a.role,
            team: a.team.clone(),
        }
    }

    /// Who makes a change through the casework service.
    pub fn actor(&self) -> crate::casework::Actor<'_> {
        crate::casework::Actor {
            username: &self.username,
            name: &self.display_name,
            role: self.role,
        }
    }

    /// Whether they may see a case of `team` (SPEC "Case records": access restricted to
    /// authorised staff, 004 §38): everyone may when `[access] handlers_see = "all"` (the
    /// default); otherwise the DPO sees all and everyone else only their own team's.
    pub fn sees_team(&self, access: crate::config::HandlersSee, team: &str) -> bool {
        self.role == Role::Dpo
            || access == crate::config::HandlersSee::All
            || self.team.as_deref() == Some(team)
    }

    /// Whether they may see or act on anything of `case`, wherever it shows (its page, its
    /// letters in the print queue, its receipt): its team's, and not restricted by the DPO
    /// (UK GDPR Art. 18: a restricted case is kept, and only the DPO touches it).
    pub fn may_open(
        &self,
        access: crate::config::HandlersSee,
        case: &crate::store::staff::CaseFile,
    ) -> bool {
        (case.restricted.is_none() || self.role == Role::Dpo) && self.sees_team(access, &case.team)
    }
}

/// Who is asking, and the token their forms must carry back.
#[derive(Clone)]
pub struct Viewer {
    pub user: Option<StaffUser>,
    /// The password was right and the second step is still to do (no staff page opens).
    pub second_step_due: bool,
    pub csrf: String,
    pub session: Session,
}

const SESSION_USER: &str = "staff.username";
const SESSION_CSRF: &str = "staff.csrf";
/// The account's session epoch when this session signed in (`StaffAccount::session_epoch`).
const SESSION_EPOCH: &str = "staff.epoch";
/// When this session signed in (Unix seconds): it ends `[sign_in] session_hours` later.
const SESSION_SIGNED_IN_AT: &str = "staff.signed_in_at";
/// "oidc" when signed in through the identity provider (sign-out offers its sign-out too).
const SESSION_VIA: &str = "staff.via";

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Loads who is signed in (re-reading the account, so a disabled account or changed role
/// takes effect at once), and refuses any state-changing request whose form does not carry
/// the session's token (CSRF) or that another site sent.
async fn viewer_and_csrf(
    State(state): State<AppState>,
    session: Session,
    req: Request,
    next: Next,
) -> Result<Response, StaffError> {
    let username = session.get::<String>(SESSION_USER).await?;
    // Signed-in staff keep their form token in their session. Anyone else has it in a cookie
    // of its own (a double-submit token), so that no session, and no database row, exists
    // before someone signs in: a flood of anonymous visits writes nothing.
    let mut new_cookie = None;
    let csrf = if username.is_some() {
        match session.get::<String>(SESSION_CSRF).await? {
            Some(t) => t,
            None => {
                let t = new_token();
                session.insert(SESSION_CSRF, &t).await?;
                t
            }
        }
    } else {
        match crate::client::cookie(req.headers(), CSRF_COOKIE).filter(|t| is_token(t)) {
            Some(t) => t,
            None => {
                let t = new_token();
                new_cookie = Some(t.clone());
                t
            }
        }
    };
    let user = match username {
        Some(username) => {
            // Sessions from before the account's epoch moved on (a new password, a role
            // change, disabled, `server user sign-out`) are over; so are a disabled account's.
            // A session older than epochs counts as the first.
            let epoch = session.get::<i64>(SESSION_EPOCH).await?.unwrap_or(0);
            // However busy, a session lasts `session_hours` from signing in (one without the
            // time is from before the rule, and ends too).
            let signed_in_at = session.get::<i64>(SESSION_SIGNED_IN_AT).await?.unwrap_or(0);
            let now = chrono::Utc::now().timestamp();
            let live = within_lifetime(signed_in_at, now, state.config.sign_in.session_hours);
            match state.staff.user(&username).await? {
                Some(a) if live && !a.disabled && a.session_epoch == epoch => {
                    Some(StaffUser::of(&a))
                }
                _ => {
                    session.flush().await?;
                    None
                }
            }
        }
        None => None,
    };
    let second_step_due = user.is_none()
        && session
            .get::<String>(two_step::PENDING_USER)
            .await?
            .is_some();
    let (parts, body) = req.into_parts();
    // A file upload (only to an evidence route) is not read here: its handler checks the
    // form's token, which is the first part, before reading the file.
    let file_upload = parts.uri.path().ends_with("/evidence")
        && parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    let req = if parts.method == Method::GET || parts.method == Method::HEAD {
        Request::from_parts(parts, body)
    } else if file_upload {
        let cross_site = parts
            .headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v != "same-origin" && v != "none");
        if cross_site {
            return Ok(components::message_page(
                StatusCode::FORBIDDEN,
                "This form has expired",
                "Nothing was changed. Go back, reload the page and try again.",
            ));
        }
        Request::from_parts(parts, body)
    } else {
        let cross_site = parts
            .headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v != "same-origin" && v != "none");
        let Ok(bytes) = axum::body::to_bytes(body, state.config.max_body_bytes).await else {
            return Ok(components::message_page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The form is too large",
                "The form is too large to send. Shorten the longest answers and try again.",
            ));
        };
        let sent = form_pairs(&bytes)
            .into_iter()
            .find(|(k, _)| k == "_csrf")
            .map(|(_, v)| v)
            .unwrap_or_default();
        let matches: bool = subtle::ConstantTimeEq::ct_eq(sent.as_bytes(), csrf.as_bytes()).into();
        if cross_site || !matches {
            return Ok(components::message_page(
                StatusCode::FORBIDDEN,
                "This form has expired",
                "Nothing was changed. Go back, reload the page and try again.",
            ));
        }
        Request::from_parts(parts, Body::from(bytes))
    };
    let mut req = req;
    req.extensions_mut().insert(Viewer {
        user,
        second_step_due,
        csrf,
        session,
    });
    let mut response = next.run(req).await;
    if let Some(t) = new_cookie {
        // `__Host-`: only this origin can set it, over HTTPS, for every path.
        let value = format!("{CSRF_COOKIE}={t}; Path=/; Secure; HttpOnly; SameSite=Strict");
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(response)
}

/// Whether a session signed in at `signed_in_at` (Unix seconds) may go on at `now`: for
/// `hours` from signing in however busy (on top of the idle limit), and never from the future.
pub fn within_lifetime(signed_in_at: i64, now: i64, hours: u32) -> bool {
    let age = now - signed_in_at;
    (0..i64::from(hours) * 3600).contains(&age)
}

#[cfg(test)]
mod lifetime_tests {
    use super::within_lifetime;

    #[test]
    fn a_session_ends_its_hours_after_signing_in_however_busy() {
        let at = 1_790_000_000;
        assert!(within_lifetime(at, at, 10));
        assert!(within_lifetime(at, at + 10 * 3600 - 1, 10));
        assert!(!within_lifetime(at, at + 10 * 3600, 10));
        assert!(!within_lifetime(at, at + 3600, 1));
        assert!(
            !within_lifetime(0, at, 10),
            "a session from before the rule ends"
        );
        assert!(
            !within_lifetime(at + 60, at, 10),
            "a time in the future is not believed"
        );
    }
}

/// The cookie that holds an anonymous visitor's form token.
pub const CSRF_COOKIE: &str = "__Host-intake_csrf";

/// A token as `new_token` makes them: 64 hexadecimal digits.
fn is_token(t: &str) -> bool {
    t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())
}

pub fn form_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(bytes).into_owned().collect()
}

/// Signed-in staff only, and only with the role the route needs.
async fn require_role(State(needed): State<Role>, req: Request, next: Next) -> Response {
    let viewer = req.extensions().get::<Viewer>().cloned();
    let second_step_due = viewer.as_ref().is_some_and(|v| v.second_step_due);
    match viewer.and_then(|v| v.user) {
        // Until the second step is done, every staff page sends the person to it.
        None if second_step_due && req.method() == Method::GET => {
            Redirect::to("/staff/two-step").into_response()
        }
        None if req.method() == Method::GET => {
            // Come back to the page after signing in (a path of ours, never a full URL).
            let next_path = req.uri().path();
            Redirect::to(&format!(
                "/staff/sign-in?next={}",
                form_urlencoded::byte_serialize(next_path.as_bytes()).collect::<String>()
            ))
            .into_response()
        }
        None => components::message_page(
            StatusCode::UNAUTHORIZED,
            "You are signed out",
            "Nothing was changed. Sign in again and try again.",
        ),
        Some(user) if !user.role.allows(needed) => components::message_page(
            StatusCode::FORBIDDEN,
            "You cannot use this page",
            "Your account does not give you access to this page. Ask the Data Protection Officer if you need it.",
        ),
        Some(_) => next.run(req).await,
    }
}

/// The signed-in member of staff, for handlers behind `require_role`.
pub struct Staff(pub StaffUser, pub Viewer);

impl<S: Send + Sync> FromRequestParts<S> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let viewer = parts.extensions.get::<Viewer>().cloned();
        match viewer {
            Some(v) => match v.user.clone() {
                Some(u) => Ok(Staff(u, v)),
                None => Err(StatusCode::UNAUTHORIZED.into_response()),
            },
            None => Err(StatusCode::UNAUTHORIZED.into_response()),
        }
    }
}

/// A POST's fields as the handler's own type (each field a string, a missing one empty under
/// `#[serde(default)]`): axum's `Form`, refused with a page of ours when the body is not one.
pub struct Form<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for Form<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(form)) => Ok(Form(form)),
            Err(_) => Err(components::message_page(
                StatusCode::BAD_REQUEST,
                "This form could not be read",
                "Nothing was changed. Go back, reload the page and try again.",
            )),
        }
    }
}
