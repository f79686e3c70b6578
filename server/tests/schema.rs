//! The two stores' schemas cannot drift (issue 23): every migration is written once per
//! database, so this compares what the two make of them, table by table: the same columns,
//! each nullable or not alike, and the same indexes. Only the differences listed below, each
//! with its reason, are allowed. Runs where PostgreSQL is there (`.ci/test` runs the tests on
//! it a second time); on a SQLite-only run there is nothing to compare with.

mod common;

use std::collections::BTreeSet;

/// (table, column, "null" or "not null") of every column, and (table, index) of every index
/// a migration made (not those the databases make for primary keys and unique constraints).
async fn schema(path: &std::path::Path, postgres: bool) -> (BTreeSet<String>, BTreeSet<String>) {
    let (columns, indexes) = if postgres {
        (
            "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT), \
             CASE WHEN is_nullable = 'YES' THEN 'null' ELSE 'not null' END \
             FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '\\_sqlx%'",
            "SELECT CAST(tablename AS TEXT), CAST(indexname AS TEXT) FROM pg_indexes WHERE schemaname = 'public' \
             AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE '%\\_key' AND tablename NOT LIKE '\\_sqlx%'",
        )
    } else {
        (
            "SELECT m.name, p.name, CASE WHEN p.\"notnull\" = 1 OR p.pk > 0 THEN 'not null' ELSE 'null' END \
             FROM sqlite_schema m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name NOT LIKE '\\_sqlx%' ESCAPE '\\'",
            "SELECT tbl_name, name FROM sqlite_schema WHERE type = 'index' \
             AND name NOT LIKE 'sqlite\\_autoindex%' ESCAPE '\\' AND tbl_name NOT LIKE '\\_sqlx%' ESCAPE '\\'",
        )
    };
    let join = |row: Vec<Option<String>>| {
        row.into_iter()
            .map(Option::unwrap_or_default)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let columns = common::db::rows(path, columns, &[])
        .await
        .into_iter()
        .map(join)
        .collect();
    let indexes = common::db::rows(path, indexes, &[])
        .await
        .into_iter()
        .map(join)
        .collect();
    (columns, indexes)
}

#[tokio::test]
async fn both_stores_have_the_same_tables_columns_and_indexes() {
    if !common::db::on_postgres() {
        eprintln!("no PostgreSQL to compare with (INTAKE_TEST_POSTGRES unset): nothing to do");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sqlite = dir.path().join("schema.sqlite");
    let postgres = dir.path().join("schema.db");
    common::db::prepare(&postgres).await;
    for path in [&sqlite, &postgres] {
        // Opening a store migrates it, as the server does.
        server::store::open(&common::db::url(path)).await.unwrap();
    }
    let (lite_columns, lite_indexes) = schema(&sqlite, false).await;
    let (pg_columns, pg_indexes) = schema(&postgres, true).await;
    // The comparison reads what is there (empty lists would agree about nothing).
    for (columns, indexes) in [(&lite_columns, &lite_indexes), (&pg_columns, &pg_indexes)] {
        assert!(columns.contains("cases reference not null"), "{columns:?}");
        assert!(
            columns.contains("cases first_closed_at null"),
            "{columns:?}"
        );
        assert!(indexes.contains("cases cases_report"), "{indexes:?}");
        assert!(columns.len() > 150 && indexes.len() > 15);
    }
    // The differences that are meant, each for a reason.
    let meant = |row: &String| {
        // SQLite opens its append-only audit trail to retention through this table; on
        // PostgreSQL a transaction's setting does it (`intake.retention`).
        row.starts_with("retention_gate ")
            // tower-sessions keeps PostgreSQL's sessions in a schema of their own.
            || row.starts_with("tower_sessions ")
    };
    let only = |a: &BTreeSet<String>, b: &BTreeSet<String>| -> Vec<String> {
        a.difference(b).filter(|r| !meant(r)).cloned().collect()
    };
    assert_eq!(
        (
            only(&lite_columns, &pg_columns),
            only(&pg_columns, &lite_columns)
        ),
        (vec![], vec![]),
        "columns only on SQLite, and only on PostgreSQL"
    );
    assert_eq!(
        (
            only(&lite_indexes, &pg_indexes),
            only(&pg_indexes, &lite_indexes)
        ),
        (vec![], vec![]),
        "indexes only on SQLite, and only on PostgreSQL"
    );
}
