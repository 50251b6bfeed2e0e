//! For the studio's tests, not for production: an S3 bucket to run the blob tests against, each
//! test under a prefix of its own, so that the suite runs on both stores and in parallel.
//!
//! `ATELIER_TEST_S3_ENDPOINT` (scripts/services.sh exports it, with `ATELIER_TEST_S3_BUCKET`,
//! `ATELIER_TEST_S3_ACCESS_KEY` and `ATELIER_TEST_S3_SECRET_KEY`) names the store. Without it
//! the S3 half of a test is skipped with a note, unless `ATELIER_REQUIRE_SERVICES=1`: then it
//! fails, saying what is missing (as `crate::testing` does for PostgreSQL).

use futures_util::TryStreamExt as _;
use object_store::ObjectStore as _;
use object_store::path::Path;

use super::{BlobLocation, Blobs, S3Access, s3};

/// The variable naming the S3 endpoint the tests run on.
pub const ENDPOINT_VAR: &str = "ATELIER_TEST_S3_ENDPOINT";
/// The variable naming the bucket.
pub const BUCKET_VAR: &str = "ATELIER_TEST_S3_BUCKET";
/// The variable holding the access key id.
pub const ACCESS_KEY_VAR: &str = "ATELIER_TEST_S3_ACCESS_KEY";
/// The variable holding the secret access key.
pub const SECRET_KEY_VAR: &str = "ATELIER_TEST_S3_SECRET_KEY";

/// A unique prefix in the test bucket, for one test.
#[derive(Debug, Clone)]
pub struct TestBucket {
    /// The store's URL (`http://127.0.0.1:PORT`).
    pub endpoint: String,
    /// The bucket.
    pub bucket: String,
    /// This test's prefix in it.
    pub prefix: String,
    access_key: String,
    secret_key: String,
}

impl TestBucket {
    /// A fresh prefix in the test bucket; `None` (after a note on stderr) when no store is
    /// configured and services are not required.
    ///
    /// # Panics
    /// When services are required and no store is configured.
    pub fn new() -> Option<TestBucket> {
        let Ok(endpoint) = std::env::var(ENDPOINT_VAR) else {
            assert!(
                std::env::var("ATELIER_REQUIRE_SERVICES").as_deref() != Ok("1"),
                "{ENDPOINT_VAR} is not set but ATELIER_REQUIRE_SERVICES=1: start SeaweedFS \
                 (source scripts/services.sh; start_services) before running the studio's tests"
            );
            eprintln!("note: {ENDPOINT_VAR} is not set: the S3 half of this test is skipped");
            return None;
        };
        let var = |name: &str| {
            std::env::var(name).unwrap_or_else(|_| panic!("{ENDPOINT_VAR} is set but {name} is not"))
        };
        Some(TestBucket {
            endpoint,
            bucket: var(BUCKET_VAR),
            prefix: format!("t-{}", uuid::Uuid::now_v7().simple()),
            access_key: var(ACCESS_KEY_VAR),
            secret_key: var(SECRET_KEY_VAR),
        })
    }

    /// The same store and prefix, in a bucket of another name (one that doesn't exist).
    pub fn in_bucket(&self, bucket: &str) -> TestBucket {
        TestBucket {
            bucket: bucket.to_string(),
            ..self.clone()
        }
    }

    /// `s3://BUCKET/PREFIX`.
    pub fn location(&self) -> BlobLocation {
        BlobLocation::S3 {
            bucket: self.bucket.clone(),
            prefix: self.prefix.clone(),
        }
    }

    /// The settings that reach the store.
    pub fn access(&self) -> S3Access {
        S3Access {
            endpoint: Some(self.endpoint.clone()),
            region: Some("us-east-1".to_string()),
            access_key_id: Some(self.access_key.clone()),
            secret_access_key: Some(self.secret_key.clone()),
        }
    }

    /// The blob store under this prefix.
    ///
    /// # Panics
    /// When it can't be built.
    pub fn blobs(&self) -> Blobs {
        Blobs::open_with(&self.location(), &self.access())
            .unwrap_or_else(|e| panic!("can't open the test bucket: {e}"))
    }

    /// The environment a child `atelier-studio` needs to reach the store.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_REGION", "us-east-1".to_string()),
            ("AWS_ACCESS_KEY_ID", self.access_key.clone()),
            ("AWS_SECRET_ACCESS_KEY", self.secret_key.clone()),
        ]
    }

    /// Every object under this test's prefix (keys relative to it), read straight from the
    /// bucket, not through [`Blobs`]: what anyone could see.
    ///
    /// # Panics
    /// When the bucket can't be listed.
    pub async fn objects(&self) -> Vec<String> {
        let store = s3::open(&self.bucket, &self.access(), "the test bucket")
            .unwrap_or_else(|e| panic!("can't open the test bucket: {e}"));
        let prefix = Path::from(self.prefix.as_str());
        let mut keys: Vec<String> = store
            .list(Some(&prefix))
            .map_ok(|meta| {
                let key = meta.location.to_string();
                key.strip_prefix(&format!("{}/", self.prefix))
                    .unwrap_or(&key)
                    .to_string()
            })
            .try_collect()
            .await
            .unwrap_or_else(|e| panic!("can't list the test bucket: {e}"));
        keys.sort();
        keys
    }
}
