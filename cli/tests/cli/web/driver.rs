//! A small W3C WebDriver client for the browser tests: Debian's `chromedriver` driving its
//! headless `chromium`. The protocol is JSON over HTTP, so this is reqwest and a few routes
//! (a WebDriver crate would bring a second `http`, `cookie` and ICU into the build).
//!
//! Every step waits for what it needs (an element, a text) up to [`WAIT`], as a person would
//! look at the page, so no test sleeps for a fixed time.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

/// How long a step waits for the page.
pub(crate) const WAIT: Duration = Duration::from_secs(10);
/// The key of an element reference in WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A chromedriver process, stopped on drop.
pub(crate) struct Driver {
    child: Child,
    url: String,
    http: reqwest::Client,
}

impl Driver {
    /// Starts chromedriver on a free port.
    pub(crate) async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (apt-get install chromium-driver)");
        let driver = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
        };
        let started = Instant::now();
        loop {
            if let Ok(answer) = driver.http.get(format!("{}/status", driver.url)).send().await
                && answer.status().is_success()
            {
                break;
            }
            assert!(started.elapsed() < WAIT, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        driver
    }

    /// A new headless browser window of `width` x `height` CSS pixels.
    pub(crate) async fn browser(&self, width: u32, height: u32) -> Browser {
        self.session(json!({
            "binary": chromium(),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     format!("--window-size={width},{height}"), "--lang=en-US"],
        }))
        .await
    }

    /// A new headless browser that shows pages as a phone of `width` x `height` CSS pixels
    /// would (a window cannot be made that narrow).
    pub(crate) async fn phone(&self, width: u32, height: u32) -> Browser {
        self.session(json!({
            "binary": chromium(),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=en-US"],
            "mobileEmulation": {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0, "touch": true}},
        }))
        .await
    }

    async fn session(&self, chrome_options: Value) -> Browser {
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": chrome_options,
        }}});
        let answer = call(
            &self.http,
            reqwest::Method::POST,
            &format!("{}/session", self.url),
            Some(capabilities),
        )
        .await
        .expect("a browser session");
        let session = answer["sessionId"].as_str().expect("a session id").to_owned();
        Browser {
            http: self.http.clone(),
            session: format!("{}/session/{session}", self.url),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromedriver() -> PathBuf {
    std::env::var_os("CHROMEDRIVER").map_or_else(|| PathBuf::from("chromedriver"), PathBuf::from)
}

fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned())
}

/// One WebDriver call: the answer's `value`, or the driver's error message.
async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    let request = http.request(method, url);
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    let answer = request.send().await.map_err(|e| e.to_string())?;
    let ok = answer.status().is_success();
    let value: Value = answer.json().await.map_err(|e| e.to_string())?;
    if ok {
        Ok(value["value"].clone())
    } else {
        Err(format!("{}: {}", value["value"]["error"], value["value"]["message"]))
    }
}

/// One browser window (a WebDriver session).
pub(crate) struct Browser {
    http: reqwest::Client,
    session: String,
}

/// An element of the page.
#[derive(Debug, Clone)]
pub(crate) struct Element(String);

impl Browser {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value, String> {
        call(&self.http, method, &format!("{}{path}", self.session), body).await
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    /// Opens `url`.
    pub(crate) async fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url })).await.expect("navigate");
    }

    /// The elements matching `css` now.
    pub(crate) async fn all(&self, css: &str) -> Vec<Element> {
        let found = self
            .post("/elements", json!({"using": "css selector", "value": css}))
            .await
            .unwrap_or_default();
        found
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e[ELEMENT].as_str().map(|id| Element(id.to_owned())))
            .collect()
    }

    /// The first element matching `css`, waiting for it to appear and be shown.
    pub(crate) async fn find(&self, css: &str) -> Element {
        let started = Instant::now();
        loop {
            for element in self.all(css).await {
                if self.displayed(&element).await {
                    return element;
                }
            }
            assert!(started.elapsed() < WAIT, "no visible element matches {css}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn displayed(&self, element: &Element) -> bool {
        self.call(reqwest::Method::GET, &format!("/element/{}/displayed", element.0), None)
            .await
            .is_ok_and(|v| v == json!(true))
    }

    /// Clicks the element matching `css`.
    pub(crate) async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.click_element(&element).await;
    }

    /// Clicks `element`, scrolled to the middle of the window first (as a person would look at
    /// it, clear of the toasts at the window's edge).
    pub(crate) async fn click_element(&self, element: &Element) {
        self.script(
            "arguments[0].scrollIntoView({block: 'center', inline: 'center'});",
            json!([{ ELEMENT: element.0 }]),
        )
        .await;
        self.post(&format!("/element/{}/click", element.0), json!({}))
            .await
            .unwrap_or_else(|e| panic!("click: {e}"));
    }

    /// Replaces the value of the input matching `css` with `text` (typed, as keys).
    pub(crate) async fn fill(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.post(&format!("/element/{}/clear", element.0), json!({}))
            .await
            .unwrap_or_else(|e| panic!("clear {css}: {e}"));
        self.post(&format!("/element/{}/value", element.0), json!({ "text": text }))
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Sets the value of the input matching `css` by script, firing `input` and `change` (for
    /// pickers such as `datetime-local` and `select`, whose typing rules depend on the locale).
    pub(crate) async fn set_value(&self, css: &str, value: &str) {
        self.find(css).await;
        self.script(
            "const e = document.querySelector(arguments[0]); e.value = arguments[1];
             e.dispatchEvent(new Event('input', {bubbles: true}));
             e.dispatchEvent(new Event('change', {bubbles: true}));",
            json!([css, value]),
        )
        .await;
    }

    /// Types `keys` into the element matching `css` (WebDriver key codes, e.g. "\u{E007}" for Enter).
    pub(crate) async fn keys(&self, css: &str, keys: &str) {
        let element = self.find(css).await;
        self.post(&format!("/element/{}/value", element.0), json!({ "text": keys }))
            .await
            .unwrap_or_else(|e| panic!("keys into {css}: {e}"));
    }

    /// The text of `element`.
    pub(crate) async fn text_of(&self, element: &Element) -> String {
        self.call(reqwest::Method::GET, &format!("/element/{}/text", element.0), None)
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The text of the first visible element matching `css`.
    pub(crate) async fn text(&self, css: &str) -> String {
        let element = self.find(css).await;
        self.text_of(&element).await
    }

    /// Waits until the page's text inside `css` contains `needle`; returns that text.
    pub(crate) async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        self.wait_for_text_within(css, needle, WAIT).await
    }

    /// [`wait_for_text`](Self::wait_for_text) with its own limit.
    pub(crate) async fn wait_for_text_within(&self, css: &str, needle: &str, limit: Duration) -> String {
        let started = Instant::now();
        loop {
            let mut seen = String::new();
            for element in self.all(css).await {
                seen.push_str(&self.text_of(&element).await);
                seen.push('\n');
            }
            if seen.contains(needle) {
                return seen;
            }
            assert!(
                started.elapsed() < limit,
                "'{needle}' did not appear in {css} within {limit:?}; it shows: {seen}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Runs `script` in the page with `args`; its return value.
    pub(crate) async fn script(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// Runs an async `script` (its last argument is the callback) with `args`.
    pub(crate) async fn script_async(&self, script: &str, args: Value) -> Value {
        self.post("/execute/async", json!({ "script": script, "args": args }))
            .await
            .unwrap_or_else(|e| panic!("async script failed: {e}"))
    }

    /// Saves a PNG of the window to `dir/name.png`, for a person to look at after a failure.
    pub(crate) async fn screenshot(&self, dir: &Path, name: &str) {
        let Ok(value) = self.call(reqwest::Method::GET, "/screenshot", None).await else {
            return;
        };
        if let Some(png) = value
            .as_str()
            .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
        {
            let _ = std::fs::create_dir_all(dir);
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
    }

    /// Cuts the browser off the network (`true`) or connects it again, through chromedriver's
    /// network emulation (Chromium's DevTools `Network.emulateNetworkConditions`): requests fail
    /// as they do when a laptop's Wi-Fi drops.
    pub(crate) async fn set_offline(&self, offline: bool) {
        self.post(
            "/chromium/network_conditions",
            json!({ "network_conditions": {
                "offline": offline, "latency": 0, "download_throughput": -1, "upload_throughput": -1,
            }}),
        )
        .await
        .expect("network conditions");
    }

    /// Closes the window.
    pub(crate) async fn close(self) {
        let _ = self.call(reqwest::Method::DELETE, "", None).await;
    }
}
