//! One HTTP GET streamed into a writer (a file, a package in memory): over HTTPS with the
//! system's roots (rustls on ring, as every AWS call; `SSL_CERT_FILE` adds to them), through
//! the proxy `HTTPS_PROXY` names (`NO_PROXY` honoured), plain HTTP only where [`PlainHttp`]
//! allows it (and never through a proxy). No redirects are followed; a stall of a minute ends the download. Errors never
//! name the address (a code location is a presigned credential).

use std::io::Write;
use std::time::Duration;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioExecutor;

/// How long the download may go without a byte arriving.
const STALL: Duration = Duration::from_secs(60);

/// Bytes received so far and the total the server announced.
pub type Progress<'a> = &'a mut (dyn FnMut(u64, Option<u64>) + Send);

/// Where plain http is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlainHttp {
    /// Never: https only (a function's code in a real account).
    Never,
    /// Only to a loopback address (a local mirror, the tests').
    Loopback,
    /// Anywhere: the account is an emulator reached over http (`--endpoint-url`).
    Anywhere,
}

/// Whether `url` may be fetched: https anywhere, http as `plain` says.
pub fn allowed(url: &hyper::Uri, plain: PlainHttp) -> Result<(), String> {
    match url.scheme_str() {
        Some("https") => Ok(()),
        Some("http") if plain == PlainHttp::Anywhere => Ok(()),
        Some("http") if plain == PlainHttp::Never => {
            Err("refusing plain http: a package is downloaded over https only".into())
        }
        Some("http") => {
            let host = url.host().unwrap_or_default();
            let host = host.trim_start_matches('[').trim_end_matches(']');
            let loopback = host == "localhost"
                || host
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback());
            if loopback {
                Ok(())
            } else {
                Err(format!(
                    "refusing plain http to {host}: use https (http only to a local mirror)"
                ))
            }
        }
        Some(other) => Err(format!("not an http(s) address ({other}://)")),
        None => Err("not an http(s) address".into()),
    }
}

/// Streams `url` into `out`, reporting progress; the number of bytes written.
pub async fn get(
    url: &str,
    plain: PlainHttp,
    out: &mut (dyn Write + Send),
    progress: Progress<'_>,
) -> Result<u64, String> {
    let uri: hyper::Uri = url
        .parse()
        .map_err(|_| "not an http(s) address".to_string())?;
    allowed(&uri, plain)?;
    let request = || {
        hyper::Request::get(uri.clone())
            .header("user-agent", concat!("parapet/", env!("CARGO_PKG_VERSION")))
            .body(Empty::new())
            .map_err(|e| e.to_string())
    };
    let roots = || {
        hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(rustls::crypto::ring::default_provider())
            .map_err(|e| format!("no system root certificates: {e}"))
    };
    // An https download goes through the proxy HTTPS_PROXY names (unless NO_PROXY exempts its
    // host), tunnelled with CONNECT; plain http (a loopback mirror, an emulator) never does.
    let proxy = (uri.scheme_str() == Some("https"))
        .then(|| Matcher::from_env().intercept(&uri))
        .flatten();
    let response = match proxy {
        Some(proxy) => {
            let mut tunnel = Tunnel::new(proxy.uri().clone(), HttpConnector::new());
            if let Some(auth) = proxy.basic_auth() {
                tunnel = tunnel.with_auth(auth.clone());
            }
            let https = roots()?.https_only().enable_http1().wrap_connector(tunnel);
            send(
                Client::builder(TokioExecutor::new()).build(https),
                request()?,
            )
            .await
            .map_err(|e| format!("through the proxy HTTPS_PROXY names: {e}"))?
        }
        None => {
            let https = roots()?.https_or_http().enable_http1().build();
            send(
                Client::builder(TokioExecutor::new()).build(https),
                request()?,
            )
            .await?
        }
    };
    let status = response.status();
    if !status.is_success() {
        return Err(format!("the server answered {status}"));
    }
    let total = response
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let mut body = response.into_body();
    let mut written = 0u64;
    progress(0, total);
    loop {
        let frame = match tokio::time::timeout(STALL, body.frame()).await {
            Err(_) => return Err("the download stalled for a minute".into()),
            Ok(None) => break,
            Ok(Some(frame)) => frame.map_err(|e| format!("the download broke off: {e}"))?,
        };
        if let Ok(data) = frame.into_data() {
            out.write_all(&data)
                .map_err(|e| format!("cannot write: {e}"))?;
            written += data.len() as u64;
            progress(written, total);
        }
    }
    if let Some(total) = total
        && written != total
    {
        return Err(format!(
            "the download ended after {written} of {total} bytes"
        ));
    }
    Ok(written)
}

/// Sends `request` with `client`, waiting at most [`STALL`] for the answer to begin.
async fn send<C>(
    client: Client<C, Empty<Bytes>>,
    request: hyper::Request<Empty<Bytes>>,
) -> Result<hyper::Response<hyper::body::Incoming>, String>
where
    C: hyper_util::client::legacy::connect::Connect + Clone + Send + Sync + 'static,
{
    tokio::time::timeout(STALL, client.request(request))
        .await
        .map_err(|_| "no answer within a minute".to_string())?
        .map_err(|e| format!("cannot connect: {}", error_chain(&e)))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
