//! For the studio's tests (unit and integration alike), not for production: a fresh, empty
//! PostgreSQL database per test, so that the suite runs on both backends and in parallel.
//!
//! `ATELIER_TEST_DATABASE_URL` (scripts/services.sh exports it) names a database on a server
//! where its user may create databases; each [`TestDatabase`] creates `atelier_t_<random>` next
//! to it and drops it (`WITH (FORCE)`) when dropped. Without the URL the PostgreSQL half of a
//! test is skipped with a note, unless `ATELIER_REQUIRE_SERVICES=1`: then it fails, saying what
//! is missing.

use sqlx::Connection as _;

/// The variable naming the server the PostgreSQL tests run on.
pub const DATABASE_URL_VAR: &str = "ATELIER_TEST_DATABASE_URL";

/// A database made for one test, dropped with it.
#[derive(Debug)]
pub struct TestDatabase {
    /// Its URL, for `Database::Postgres` or `--database-url`.
    pub url: String,
    admin_url: String,
    name: String,
}

/// `url` with its database name replaced by `name` (any `?query` kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let server = match base.rfind('/') {
        Some(i) if base[..i].ends_with('/') => base, // postgres://host (no database part)
        Some(i) => &base[..i],
        None => base,
    };
    let mut out = format!("{}/{name}", server.trim_end_matches('/'));
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl TestDatabase {
    /// A fresh, empty database; `None` (after a note on stderr) when no server is configured
    /// and services are not required.
    ///
    /// # Panics
    /// When services are required and no server is configured, or the server refuses.
    pub async fn create() -> Option<TestDatabase> {
        let Ok(admin_url) = std::env::var(DATABASE_URL_VAR) else {
            assert!(
                std::env::var("ATELIER_REQUIRE_SERVICES").as_deref() != Ok("1"),
                "{DATABASE_URL_VAR} is not set but ATELIER_REQUIRE_SERVICES=1: start PostgreSQL \
                 (source scripts/services.sh; start_services) before running the studio's tests"
            );
            eprintln!("note: {DATABASE_URL_VAR} is not set: the PostgreSQL half of this test is skipped");
            return None;
        };
        let name = format!("atelier_t_{}", uuid::Uuid::now_v7().simple());
        let mut conn = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("can't connect to {DATABASE_URL_VAR}: {e}"));
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("can't create the test database {name}: {e}"));
        let _ = conn.close().await;
        Some(TestDatabase {
            url: with_database(&admin_url, &name),
            admin_url,
            name,
        })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop runs inside the test's runtime, which must not block: a thread of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async move {
                let mut conn = sqlx::PgConnection::connect(&admin_url).await?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await?;
                conn.close().await?;
                Ok::<_, anyhow::Error>(())
            })
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("note: can't drop the test database {}: {e}", self.name);
        }
    }
}

/// Where one test's studio lives: SQLite in a fresh temporary folder, or a fresh PostgreSQL
/// database ([`TestDatabase`]); both go when it is dropped. Keep it alive as long as the studio.
pub struct TestBackend {
    /// What to create or open the studio on.
    pub database: crate::store::Database,
    dir: std::path::PathBuf,
    _db: Option<TestDatabase>,
}

impl TestBackend {
    /// SQLite, or PostgreSQL when `postgres`; `None` when PostgreSQL is asked for and no test
    /// server is configured (and none is required: see [`TestDatabase::create`]).
    pub async fn new(postgres: bool) -> Option<Self> {
        let db = if postgres {
            Some(TestDatabase::create().await?)
        } else {
            None
        };
        let dir = std::env::temp_dir().join(format!("atelier-studio-test-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("a temporary folder for a test studio");
        let database = match &db {
            Some(db) => crate::store::Database::Postgres(db.url.clone()),
            None => crate::store::Database::Sqlite(dir.join("studio")),
        };
        Some(Self {
            database,
            dir,
            _db: db,
        })
    }
}

impl Drop for TestBackend {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/atelier_test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h:1", "x"), "postgres://h:1/x");
    }
}
