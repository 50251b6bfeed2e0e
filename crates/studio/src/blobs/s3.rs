//! The S3 side of the blob store: an object_store `AmazonS3` for a bucket, configured from the
//! standard AWS environment (`AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, and the rest object_store knows: session tokens, web identity,
//! container credentials), with path-style addressing and plain HTTP allowed only to loopback.
//!
//! Must not know blobs, hashes or keys: it turns a bucket and credentials into an
//! `ObjectStore`. Never logs or prints a credential.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use object_store::ClientOptions;
use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};

use super::BlobError;

/// Settings that override the environment's, for a caller that holds them (the tests, which
/// share one process and so can't each set `AWS_*`). `None` keeps what the environment says.
#[derive(Clone, Default)]
pub struct S3Access {
    /// The store's URL (`AWS_ENDPOINT_URL`); `None` on AWS itself.
    pub endpoint: Option<String>,
    /// The region (`AWS_REGION`); object_store assumes `us-east-1` without one.
    pub region: Option<String>,
    /// The access key id (`AWS_ACCESS_KEY_ID`).
    pub access_key_id: Option<String>,
    /// The secret access key (`AWS_SECRET_ACCESS_KEY`).
    pub secret_access_key: Option<String>,
}

impl fmt::Debug for S3Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The secret never reaches a log line, even through `{:?}`.
        f.debug_struct("S3Access")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key.as_ref().map(|_| "…"))
            .finish()
    }
}

/// How long one read from the store may stall before the request fails. Not a limit on the
/// whole request: a large blob streamed to a slow client takes as long as it takes.
const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// An S3 store for `bucket`; `at` names it in messages.
pub(super) fn open(bucket: &str, access: &S3Access, at: &str) -> Result<Arc<AmazonS3>, BlobError> {
    let config = |reason: String| BlobError::Config {
        at: at.to_string(),
        reason,
    };
    // object_store's default limits the whole request to 30 s, which would cut off any GET
    // whose body is read at a slow client's pace; a stalled connection is caught by the read
    // timeout instead. Set before the environment, so that `AWS_TIMEOUT` and friends still win.
    let options = ClientOptions::new()
        .with_timeout_disabled()
        .with_read_timeout(READ_TIMEOUT);
    let mut builder = AmazonS3Builder::new().with_client_options(options);
    // What `AmazonS3Builder::from_env` does, after our client options rather than before.
    for (key, value) in std::env::vars_os() {
        if let (Some(key), Some(value)) = (key.to_str(), value.to_str())
            && key.starts_with("AWS_")
            && let Ok(key) = key.to_ascii_lowercase().parse::<AmazonS3ConfigKey>()
        {
            builder = builder.with_config(key, value);
        }
    }
    if let Some(endpoint) = &access.endpoint {
        // AWS_ENDPOINT_URL_S3 takes precedence over AWS_ENDPOINT_URL in object_store: the
        // override must replace both.
        builder = builder
            .with_config(AmazonS3ConfigKey::Endpoint, endpoint)
            .with_config(AmazonS3ConfigKey::S3Endpoint, endpoint);
    }
    if let Some(region) = &access.region {
        builder = builder.with_region(region);
    }
    if let Some(key) = &access.access_key_id {
        builder = builder.with_access_key_id(key);
    }
    if let Some(secret) = &access.secret_access_key {
        builder = builder.with_secret_access_key(secret);
    }
    builder = builder.with_bucket_name(bucket);

    let endpoint = builder
        .get_config_value(&AmazonS3ConfigKey::S3Endpoint)
        .or_else(|| builder.get_config_value(&AmazonS3ConfigKey::Endpoint));
    if let Some(endpoint) = &endpoint {
        if let Some(rest) = endpoint.strip_prefix("http://") {
            // Plain HTTP carries the signed requests and the bytes in the clear: fine to a store
            // on this machine (tests, a sidecar), refused elsewhere unless asked for explicitly.
            if is_loopback(rest) {
                builder = builder.with_allow_http(true);
            } else if !env_true("AWS_ALLOW_HTTP") {
                return Err(config(format!(
                    "AWS_ENDPOINT_URL {endpoint} is plain HTTP, which is only allowed to this \
                     machine (127.0.0.1, localhost, [::1]): use https://, or set \
                     AWS_ALLOW_HTTP=true to send blobs unencrypted anyway"
                )));
            }
        } else if !endpoint.starts_with("https://") {
            return Err(config(format!(
                "AWS_ENDPOINT_URL {endpoint} must start with https:// (or http:// to this machine)"
            )));
        }
        // Without keys, object_store would ask the EC2 instance metadata service for
        // credentials, which a self-hosted store's machine doesn't have: it would hang for a
        // minute and then fail obscurely.
        if builder
            .get_config_value(&AmazonS3ConfigKey::AccessKeyId)
            .is_none()
            && !env_true("AWS_SKIP_SIGNATURE")
        {
            return Err(config(format!(
                "the store at {endpoint} needs keys: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
            )));
        }
    }
    if std::env::var_os("AWS_VIRTUAL_HOSTED_STYLE_REQUEST").is_none() {
        // Path-style addressing (`ENDPOINT/BUCKET/KEY`): what SeaweedFS, MinIO and other
        // self-hosted stores answer without a DNS name per bucket; AWS accepts it too.
        builder = builder.with_virtual_hosted_style_request(false);
    }
    let store = builder.build().map_err(|e| config(e.to_string()))?;
    Ok(Arc::new(store))
}

/// Whether an `http://` URL's rest (`HOST[:PORT][/…]`) names this machine.
fn is_loopback(rest: &str) -> bool {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // Credentials in the URL (user:pass@) are not a host.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

fn env_true(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn only_this_machine_is_loopback() {
        for yes in [
            "127.0.0.1:8333",
            "127.0.0.1",
            "localhost:9000/",
            "[::1]:80",
            "127.1.2.3",
        ] {
            assert!(is_loopback(yes), "{yes}");
        }
        for no in [
            "10.0.0.1:80",
            "example.com",
            "127.0.0.1.example.com",
            "localhost.example.com:80",
            "[::2]:80",
            "",
        ] {
            assert!(!is_loopback(no), "{no}");
        }
    }
}
