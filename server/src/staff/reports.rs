//! The quarterly report (seed 004 §47) at `/staff/reports` (`?from=YYYY-MM-DD&to=YYYY-MM-DD`,
//! inclusive UK days; by default the last complete quarter): volumes, timeliness, how cases
//! ended, actions, the trend over the four quarters before, and the number for the ICO
//! (s.164B). The figures are `app::domain::reporting`'s, from what every case keeps for good.
//! Charts are inline SVG drawn here (the staff pages run no script), each beside the table
//! holding the same numbers, which is the accessible version.

use super::components::{category_label, page, team_name, today};
use super::error::StaffError;
use super::exports::{download, to_csv, to_ods, Cell, Table, CSV, ODS};
use super::Staff;
use crate::AppState;
use app::domain::calendar::long_date;
use app::domain::reporting::{figures, ico_line, Figures, Period, Share};
use app::domain::FieldError;
use app::ui::fields::{ErrorSummary, Field, TextField};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct ReportParams {
    from: Option<String>,
    to: Option<String>,
}

/// The period asked for (or the last complete quarter), or what is wrong with it.
fn period(p: &ReportParams) -> Result<Period, FieldError> {
    Period::asked(p.from.as_deref(), p.to.as_deref(), today())
        .map_err(|m| FieldError::new("from", m))
}

/// The period's figures and the four quarters' before it, oldest first.
async fn compute(state: &AppState, period: Period) -> Result<Vec<(Period, Figures)>, StaffError> {
    let periods = period.with_previous_quarters();
    let facts = state.staff.report_facts(periods[0].from, period.to).await?;
    Ok(periods.iter().map(|q| (*q, figures(&facts, *q))).collect())
}

pub async fn show(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Query(p): Query<ReportParams>,
) -> Result<Response, StaffError> {
    let dpo = user.role == app::domain::casework::Role::Dpo;
    let (period, errors) = match period(&p) {
        Ok(period) => (period, vec![]),
        Err(e) => (Period::last_complete_quarter(today()), vec![e]),
    };
    let all = compute(&state, period).await?;
    let recommendations: Vec<_> = state
        .staff
        .recommendations()
        .await?
        .into_iter()
        .filter(|r| r.period == period)
        .collect();
    let query = format!("from={}&to={}", period.from, period.to);
    let this = all.last().expect("the period itself").1.clone();
    let (ico, rule) = ico_line(period, &this);
    let excluded: Vec<String> = this
        .excluded
        .iter()
        .map(|(how, n)| format!("{how}: {n}"))
        .collect();
    let categories: Vec<(String, u32)> = this
        .by_category
        .iter()
        .map(|(id, n)| (category_label(&state, id), *n))
        .collect();
    let teams: Vec<(String, u32)> = this
        .by_team
        .iter()
        .map(|(id, n)| (team_name(&state, id), *n))
        .collect();
    // Dates that cannot be reported on: the request cannot be answered (400), with the page
    // saying why and the form to put it right.
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let from_value = p.from.clone().unwrap_or_else(|| period.from.to_string());
    let to_value = p.to.clone().unwrap_or_else(|| period.to.to_string());
    let title = format!("Complaints report: {}", period.label());
    let heading = title.clone();
    let body = move || {
        let f = &this;
        view! {
            <ErrorSummary errors=Signal::stored(errors.clone())/>
            <h1 class="heading-l">{heading.clone()}</h1>
            <p class="body">{format!("{} to {}, whole UK days. Breach reports are shown apart and never counted as complaints (seed 004 §18).", long_date(period.from), long_date(period.to))}</p>
            <form method="get" action="/staff/reports" class="filters">
                <div class="filters__item"><TextField field=Field::fixed("from", from_value.clone(), &errors) label="From" input_type="date" width="input--date"/></div>
                <div class="filters__item"><TextField field=Field::fixed("to", to_value.clone(), &errors) label="To" input_type="date" width="input--date"/></div>
                <button type="submit" class="button button--secondary">"Show the report"</button>
            </form>
            <p class="body">"Download: "<a href=format!("/staff/reports.csv?{query}")>"CSV"</a>" · "<a href=format!("/staff/reports.ods?{query}")>"spreadsheet (ODS)"</a></p>
            {dpo.then(|| view! { <p class="body"><a href=format!("/staff/survey.csv?{query}")>"Satisfaction survey list for this period (CSV)"</a>": the name and telephone number of complainants whose complaint closed in it and who did not opt out (seed 000). Each download is audited."</p> })}
            {dpo.then(|| view! { <p class="body"><a href=format!("/staff/publication.csv?{query}")>"Publication list for this period (CSV)"</a>": the anonymised summaries handlers wrote when closing complaints in it, never of a case whose complainant opted out (seed 000). Each download is audited."</p> })}
            <div class="panel-ico">
                <h2 class="heading-m">"The number for the ICO"</h2>
                <p class="body ico-line"><strong>{ico.clone()}</strong></p>
                <p class="hint">{rule}</p>
                {(!excluded.is_empty()).then(|| view! {
                    <p class="body">{format!("Left out of this number ({} received in the period):", this.complaints)}</p>
                    <ul class="list">{excluded.iter().map(|e| view! { <li>{e.clone()}</li> }).collect_view()}</ul>
                })}
            </div>
            {figure_tables(f, &categories, &teams)}
            <h2 class="heading-m" id="recommendations">"The Data Protection Officer's recommendations"</h2>
            <p class="body">"Each with its owner and date for completion (seed 004 §47), followed up on the actions page until done."</p>
            {super::recommendations::table(recommendations.clone(), &user, false)}
            {dpo.then(|| view! { <p class="body"><a class="button button--secondary" href=format!("/staff/reports/recommendations?{query}")>"Add a recommendation"</a></p> })}
            {trend(&all)}
        }
    };
    Ok(page(&state, &viewer, &title, status, body))
}

/// The period's figures, table by table (each table's caption says what it counts).
fn figure_tables(
    f: &Figures,
    categories: &[(String, u32)],
    teams: &[(String, u32)],
) -> impl IntoView {
    let row = |k: String, v: String| view! { <tr><th scope="row" class="table__header">{k}</th><td class="table__cell table__cell--numeric">{v}</td></tr> };
    let table = |caption: &'static str, rows: Vec<(String, String)>| {
        view! {
            <table class="table report-table">
                <caption class="table__caption">{caption}</caption>
                <tbody>{rows.into_iter().map(|(k, v)| row(k, v)).collect_view()}</tbody>
            </table>
        }
    };
    let days = |d: Option<f64>| {
        d.map(|d| format!("{d:.1} days"))
            .unwrap_or_else(|| "none".into())
    };
    let counts = |m: &std::collections::BTreeMap<&'static str, u32>| -> Vec<(String, String)> {
        if m.is_empty() {
            vec![("None".to_string(), "0".to_string())]
        } else {
            m.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        }
    };
    view! {
        <h2 class="heading-m">"Received"</h2>
        {table("Received in the period", vec![
            ("Complaints".into(), f.complaints.to_string()),
            ("Breach reports (not complaints)".into(), f.breach_reports.to_string()),
        ])}
        {table("Complaints by category", categories.iter().map(|(k, v)| (k.clone(), v.to_string())).collect())}
        {table("Complaints by team", teams.iter().map(|(k, v)| (k.clone(), v.to_string())).collect())}
        {table("Complaints by how they reached us", f.by_channel.iter().map(|(k, v)| (app::domain::complaint::Channel::parse(k).map(|c| c.label().to_string()).unwrap_or_else(|| k.to_string()), v.to_string())).collect())}
        <h2 class="heading-m">"Timeliness"</h2>
        {table("Deadlines that fell in the period", vec![
            ("Acknowledged within 30 days".into(), f.acknowledged_in_time.text()),
            ("Median days to acknowledge".into(), days(f.median_days_to_acknowledge)),
            ("Outcome within three months".into(), f.outcome_in_time.text()),
            ("Outcome by the revised date of a progress update".into(), f.outcome_by_revised_date.text()),
            ("Outcome targets moved by waiting for the complainant".into(), format!("{} ({} days in all)", f.targets_paused, f.days_paused)),
            ("Median days to the outcome".into(), days(f.median_days_to_outcome)),
        ])}
        <h2 class="heading-m">"At the end of the period"</h2>
        {table("Open complaints on the last day", vec![
            ("Open".into(), f.open_at_end.to_string()),
            ("Overdue".into(), f.overdue_at_end.to_string()),
            ("Not assigned".into(), f.unassigned_at_end.to_string()),
        ])}
        <h2 class="heading-m">"How complaints ended"</h2>
        {table("Outcomes sent in the period", counts(&f.outcomes))}
        {table("Other endings in the period", counts(&f.endings))}
        <p class="body">"A case is counted by its first decision; a review is counted apart, in the period it ends, so reopening a case never changes a past period's figures."</p>
        {table("Reviews ended in the period", {
            let mut rows = vec![("Reviews ended".to_string(), f.reviews_ended.to_string())];
            rows.extend(f.review_results.iter().map(|(k, v)| (k.to_string(), v.to_string())));
            rows
        })}
        <h2 class="heading-m">"Actions"</h2>
        {table("Improvement and remedial actions", vec![
            ("Raised in the period".into(), f.actions_raised.to_string()),
            ("Done in the period".into(), f.actions_done.to_string()),
            ("Overdue at the end".into(), f.actions_overdue_at_end.to_string()),
        ])}
    }
}

/// This period and the four quarters before it, as charts and as a table.
fn trend(all: &[(Period, Figures)]) -> impl IntoView {
    let trend_rows: Vec<_> = all
        .iter()
        .map(|(q, f)| {
            view! {
                <tr>
                    <th scope="row" class="table__header">{q.label()}</th>
                    <td class="table__cell table__cell--numeric">{f.complaints}</td>
                    <td class="table__cell table__cell--numeric">{f.breach_reports}</td>
                    <td class="table__cell table__cell--numeric">{percent(f.acknowledged_in_time)}</td>
                    <td class="table__cell table__cell--numeric">{percent(f.outcome_in_time)}</td>
                </tr>
            }
        })
        .collect();
    view! {
        <h2 class="heading-m">"Trend"</h2>
        <div class="report-charts">
            {volume_chart(all)}
            {timeliness_chart(all)}
        </div>
        <table class="table report-table">
            <caption class="table__caption">"This period and the four quarters before it"</caption>
            <thead><tr><th scope="col">"Period"</th><th scope="col">"Complaints"</th><th scope="col">"Breach reports"</th><th scope="col">"Acknowledged in time"</th><th scope="col">"Outcome in time"</th></tr></thead>
            <tbody>{trend_rows}</tbody>
        </table>
    }
}

fn percent(s: Share) -> String {
    s.percent()
        .map(|p| format!("{p:.0}%"))
        .unwrap_or_else(|| "none due".into())
}

const CHART_W: f64 = 420.0;
const CHART_H: f64 = 200.0;
const BASE: f64 = 170.0;

/// Complaints received by period, as bars (the trend table holds the same numbers).
fn volume_chart(all: &[(Period, Figures)]) -> impl IntoView {
    let max = all
        .iter()
        .map(|(_, f)| f.complaints)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let step = CHART_W / all.len().max(1) as f64;
    let description = all
        .iter()
        .map(|(q, f)| format!("{}: {}", q.label(), f.complaints))
        .collect::<Vec<_>>()
        .join("; ");
    let bars = all
        .iter()
        .enumerate()
        .map(|(i, (q, f))| {
            let h = (BASE - 20.0) * f.complaints as f64 / max;
            let x = i as f64 * step + step * 0.2;
            let w = step * 0.6;
            view! {
                <rect x=format!("{x:.1}") y=format!("{:.1}", BASE - h) width=format!("{w:.1}") height=format!("{h:.1}") class="chart__bar"/>
                <text x=format!("{:.1}", x + w / 2.0) y=format!("{:.1}", BASE - h - 4.0) class="chart__value" text-anchor="middle">{f.complaints}</text>
                <text x=format!("{:.1}", x + w / 2.0) y=format!("{:.1}", BASE + 18.0) class="chart__label" text-anchor="middle">{q.label()}</text>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {CHART_W} {CHART_H}") role="img" aria-labelledby="volume-title volume-desc" class="chart__svg">
                <title id="volume-title">"Complaints received by quarter"</title>
                <desc id="volume-desc">{description}</desc>
                <line x1="0" y1=BASE.to_string() x2=CHART_W.to_string() y2=BASE.to_string() class="chart__axis"/>
                {bars}
            </svg>
            <figcaption class="hint">"Complaints received by quarter (the numbers are in the table below)"</figcaption>
        </figure>
    }
}

/// The share acknowledged in time and the share with an outcome in time, by period.
fn timeliness_chart(all: &[(Period, Figures)]) -> impl IntoView {
    let step = CHART_W / all.len().max(1) as f64;
    let description = all
        .iter()
        .map(|(q, f)| {
            format!(
                "{}: acknowledged in time {}, outcome in time {}",
                q.label(),
                percent(f.acknowledged_in_time),
                percent(f.outcome_in_time)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let bars = all
        .iter()
        .enumerate()
        .map(|(i, (q, f))| {
            let h = |s: Share| (BASE - 20.0) * s.percent().unwrap_or(0.0) / 100.0;
            let x = i as f64 * step + step * 0.15;
            let w = step * 0.32;
            let (ha, ho) = (h(f.acknowledged_in_time), h(f.outcome_in_time));
            view! {
                <rect x=format!("{x:.1}") y=format!("{:.1}", BASE - ha) width=format!("{w:.1}") height=format!("{ha:.1}") class="chart__bar"/>
                <rect x=format!("{:.1}", x + w + 2.0) y=format!("{:.1}", BASE - ho) width=format!("{w:.1}") height=format!("{ho:.1}") class="chart__bar chart__bar--second"/>
                <text x=format!("{:.1}", x + w) y=format!("{:.1}", BASE + 18.0) class="chart__label" text-anchor="middle">{q.label()}</text>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {CHART_W} {CHART_H}") role="img" aria-labelledby="timely-title timely-desc" class="chart__svg">
                <title id="timely-title">"Timeliness by quarter"</title>
                <desc id="timely-desc">{description}</desc>
                <line x1="0" y1=BASE.to_string() x2=CHART_W.to_string() y2=BASE.to_string() class="chart__axis"/>
                {bars}
            </svg>
            <figcaption class="hint">"Dark: acknowledged within 30 days. Light: outcome within three months. Per cent of those due (the numbers are in the table below)."</figcaption>
        </figure>
    }
}

/// The report as tables: the period's figures, and the trend.
fn tables(state: &AppState, all: &[(Period, Figures)]) -> Vec<Table> {
    let (period, f) = all.last().expect("the period itself");
    let (ico, _) = ico_line(*period, f);
    let pair = |k: &str, v: Cell| vec![Cell::from(k), v];
    let mut report = vec![
        pair("Period", period.label().into()),
        pair("For the ICO", ico.into()),
        pair("Complaints received", f.complaints.into()),
        pair("Breach reports (not complaints)", f.breach_reports.into()),
        pair(
            "Acknowledged within 30 days",
            f.acknowledged_in_time.count.into(),
        ),
        pair("Acknowledgements due", f.acknowledged_in_time.of.into()),
        pair(
            "Outcome within three months",
            f.outcome_in_time.count.into(),
        ),
        pair("Outcomes due", f.outcome_in_time.of.into()),
        pair(
            "Outcome by the revised date",
            f.outcome_by_revised_date.count.into(),
        ),
        pair("Revised dates due", f.outcome_by_revised_date.of.into()),
        pair(
            "Outcome targets moved by waiting for the complainant",
            f.targets_paused.into(),
        ),
        pair("Days the targets moved", f.days_paused.into()),
        pair("Open at the end", f.open_at_end.into()),
        pair("Overdue at the end", f.overdue_at_end.into()),
        pair("Not assigned at the end", f.unassigned_at_end.into()),
        pair("Actions raised", f.actions_raised.into()),
        pair("Actions done", f.actions_done.into()),
        pair(
            "Actions overdue at the end",
            f.actions_overdue_at_end.into(),
        ),
    ];
    for (k, v) in &f.by_category {
        report.push(pair(
            &format!("Category: {}", category_label(state, k)),
            (*v).into(),
        ));
    }
    for (k, v) in &f.by_team {
        report.push(pair(&format!("Team: {}", team_name(state, k)), (*v).into()));
    }
    for (k, v) in f.outcomes.iter().chain(f.endings.iter()) {
        report.push(pair(&format!("Ended: {k}"), (*v).into()));
    }
    report.push(pair("Reviews ended", f.reviews_ended.into()));
    for (k, v) in &f.review_results {
        report.push(pair(&format!("Review ended: {k}"), (*v).into()));
    }
    let trend = all
        .iter()
        .map(|(q, f)| {
            vec![
                Cell::from(q.label()),
                f.complaints.into(),
                f.breach_reports.into(),
                f.acknowledged_in_time.count.into(),
                f.acknowledged_in_time.of.into(),
                f.outcome_in_time.count.into(),
                f.outcome_in_time.of.into(),
            ]
        })
        .collect();
    vec![
        Table {
            name: "Report".into(),
            header: vec!["Measure".into(), "Value".into()],
            rows: report,
        },
        Table {
            name: "Trend".into(),
            header: [
                "Period",
                "Complaints",
                "Breach reports",
                "Acknowledged in time",
                "Acknowledgements due",
                "Outcome in time",
                "Outcomes due",
            ]
            .map(str::to_string)
            .to_vec(),
            rows: trend,
        },
    ]
}

async fn download_report(
    state: AppState,
    user: super::StaffUser,
    viewer: super::Viewer,
    p: ReportParams,
    ods: bool,
) -> Result<Response, StaffError> {
    let period = match period(&p) {
        Ok(period) => period,
        // Bad dates: the page, saying what is wrong.
        Err(_) => return show(State(state), Staff(user, viewer), Query(p)).await,
    };
    let all = compute(&state, period).await?;
    let mut tables = tables(&state, &all);
    // The report holds the DPO's recommendations too (seed 004 §47).
    let rows = state
        .staff
        .recommendations()
        .await?
        .into_iter()
        .filter(|r| r.period == period)
        .map(|r| {
            vec![
                Cell::from(r.text.as_str()),
                Cell::from(r.owner.as_str()),
                Cell::from(r.due_on.to_string()),
                Cell::from(r.done_on.map(|d| d.to_string()).unwrap_or_default()),
            ]
        })
        .collect();
    tables.push(Table {
        name: "Recommendations".into(),
        header: ["Recommendation", "Owner", "Date for completion", "Done"]
            .map(String::from)
            .to_vec(),
        rows,
    });
    let (body, kind, ext) = if ods {
        (to_ods(&tables), ODS, "ods")
    } else {
        (to_csv(&tables), CSV, "csv")
    };
    let body = body.map_err(|e| StaffError::Store(crate::store::StoreError::Unavailable(e)))?;
    let name = format!("complaints-report-{}-to-{}.{ext}", period.from, period.to);
    Ok(download(body, kind, &name))
}

pub async fn download_csv(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Query(p): Query<ReportParams>,
) -> Result<Response, StaffError> {
    download_report(state, user, viewer, p, false).await
}

pub async fn download_ods(
    State(state): State<AppState>,
    Staff(user, viewer): Staff,
    Query(p): Query<ReportParams>,
) -> Result<Response, StaffError> {
    download_report(state, user, viewer, p, true).await
}
