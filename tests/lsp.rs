//! `policy lsp` driven as an editor drives it: the binary started as a
//! child process, JSON-RPC messages framed with `Content-Length` headers on
//! its stdin and stdout, every answer checked against what the command line
//! says of the same text (`policy check`, `explain`, `fmt`). The policy is
//! the repository's Luxembourg example with its French templates.
//!
//! The last test runs a real editor: Neovim, headless, with its built-in
//! LSP client. It needs `nvim`: a plain `cargo test` ignores it and says
//! so; `.ci/run` installs Neovim and runs it.

// Test helpers outside `#[test]` functions may panic too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod common;
use common::{lu_workspace, repo_file};

/// How long to wait for an answer that should come at all.
const PATIENCE: Duration = Duration::from_secs(20);

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_policy"))
}

/// An editor's side of the pipe.
struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Notifications that arrived while waiting for something else.
    notifications: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start(dir: &Path, args: &[&str]) -> Client {
        let mut child = Command::new(bin())
            .arg("lsp")
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, incoming) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if send.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            notifications: Vec::new(),
            next_id: 1,
        }
    }

    /// Starts the server and goes through the handshake; returns the
    /// `initialize` result.
    fn initialized(dir: &Path, args: &[&str], options: Value) -> (Client, Value) {
        let mut client = Client::start(dir, args);
        let root = url(dir);
        let result = client.request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": root,
                "capabilities": {
                    "general": { "positionEncodings": ["utf-16"] },
                    "textDocument": {
                        "hover": { "contentFormat": ["markdown", "plaintext"] },
                        "publishDiagnostics": { "relatedInformation": true, "versionSupport": true },
                    },
                },
                "initializationOptions": options,
            }),
        );
        client.notify("initialized", json!({}));
        (client, result)
    }

    fn write(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).unwrap();
        let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        framed.extend(body);
        self.stdin.write_all(&framed).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.write(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its whole response.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.write(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + PATIENCE;
        loop {
            let message = self.next(deadline, method);
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return message;
            }
            self.notifications.push(message);
        }
    }

    /// Sends a request and returns its result, failing on an error.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        assert_eq!(response["jsonrpc"], "2.0");
        response.get("result").cloned().unwrap_or(Value::Null)
    }

    fn next(&mut self, deadline: Instant, waiting_for: &str) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.incoming.recv_timeout(left) {
            Ok(message) => message,
            Err(_) => panic!("no {waiting_for} from `policy lsp` within {PATIENCE:?}"),
        }
    }

    /// The next `publishDiagnostics` for `uri` (earlier ones for it are
    /// skipped), and when it arrived.
    fn diagnostics(&mut self, uri: &str) -> (Value, Instant) {
        let is_it = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        };
        if let Some(at) = self.notifications.iter().position(is_it) {
            return (
                self.notifications.remove(at)["params"].clone(),
                Instant::now(),
            );
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let message = self.next(deadline, "diagnostics");
            if is_it(&message) {
                return (message["params"].clone(), Instant::now());
            }
            self.notifications.push(message);
        }
    }

    /// Diagnostics published for `uri` at `version`, skipping older ones.
    fn diagnostics_of_version(&mut self, uri: &str, version: i64) -> (Vec<Value>, Instant) {
        loop {
            let (params, at) = self.diagnostics(uri);
            if params["version"] == json!(version) {
                return (params["diagnostics"].as_array().cloned().unwrap(), at);
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "policy", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// `shutdown`, `exit`, and the process's exit code.
    fn shut_down(mut self) -> i32 {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "`policy lsp` did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads one framed message: headers up to an empty line, then exactly
/// `Content-Length` bytes of JSON.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        assert!(
            line.ends_with("\r\n"),
            "a header line ends with CRLF: {line:?}"
        );
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = Some(value.parse::<usize>().unwrap());
        }
    }
    let mut body = vec![0; length.expect("a Content-Length header")];
    reader.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).unwrap())
}

fn url(path: &Path) -> String {
    let path = path.canonicalize().unwrap();
    format!("file://{}", path.display())
}

/// The LSP position (0-based, UTF-16) of the `nth` character after the
/// first `needle` on the line that starts with `line_start`.
fn position(text: &str, line_start: &str, needle: &str, nth: usize) -> Value {
    let (line, content) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with(line_start))
        .unwrap_or_else(|| panic!("no line starting with {line_start:?}"));
    let byte = content.find(needle).unwrap();
    let character = content[..byte].encode_utf16().count() + nth;
    json!({"line": line, "character": character})
}

fn policy_check_json(dir: &Path, file: &str) -> Value {
    let out = Command::new(bin())
        .args(["check", "--format", "json", file])
        .current_dir(dir)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn hover_text(result: &Value) -> String {
    assert_eq!(result["contents"]["kind"], "markdown", "{result}");
    result["contents"]["value"].as_str().unwrap().to_string()
}

fn labels(items: &Value) -> Vec<String> {
    items
        .as_array()
        .or_else(|| items["items"].as_array())
        .unwrap_or_else(|| panic!("not a completion list: {items}"))
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_editor_session_from_initialize_to_exit() {
    let dir = lu_workspace();
    let file = dir.path().join("lu-b2b.policy");
    let good = std::fs::read_to_string(&file).unwrap();
    let broken = good.replacen(
        "after 15 days send relance_1 by email",
        "after 15 days send relance_1 by emial",
        1,
    );
    // `policy check` on the same text, for comparison.
    std::fs::write(&file, &broken).unwrap();
    let expected = policy_check_json(dir.path(), "lu-b2b.policy");
    let uri = url(&file);

    let (mut client, init) = Client::initialized(dir.path(), &[], json!({}));
    let caps = &init["capabilities"];
    assert_eq!(init["serverInfo"]["name"], "policy");
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    for provider in [
        "hoverProvider",
        "definitionProvider",
        "documentFormattingProvider",
        "documentSymbolProvider",
    ] {
        assert_eq!(caps[provider], true, "{provider}: {caps}");
    }
    assert!(caps["completionProvider"].is_object(), "{caps}");
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix"])
    );

    // didOpen with an error: the diagnostic `policy check` prints, at the
    // same place, with its code and help.
    client.open(&uri, &broken);
    let (diagnostics, _) = client.diagnostics_of_version(&uri, 1);
    let cli = expected["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), cli.len(), "{diagnostics:?} vs {cli:?}");
    assert_eq!(cli.len(), 1, "{cli:?}");
    let (lsp, cli) = (&diagnostics[0], &cli[0]);
    assert_eq!(lsp["code"], "policy::unknown_channel");
    assert_eq!(lsp["code"], cli["code"]);
    assert_eq!(lsp["source"], "policy");
    assert_eq!(lsp["severity"], 1, "an error");
    let at = position(&broken, "after 15 days", "emial", 0);
    assert_eq!(lsp["range"]["start"], at);
    assert_eq!(
        lsp["range"]["start"]["line"],
        cli["line"].as_i64().unwrap() - 1
    );
    assert_eq!(
        lsp["range"]["start"]["character"],
        cli["column"].as_i64().unwrap() - 1
    );
    assert_eq!(
        lsp["range"]["end"]["character"],
        cli["end_column"].as_i64().unwrap() - 1
    );
    let message = lsp["message"].as_str().unwrap();
    assert!(
        message.starts_with(cli["message"].as_str().unwrap()),
        "{message}"
    );
    assert!(message.contains("help: did you mean `email`?"), "{message}");

    // The did-you-mean as a quick fix.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": at, "end": at},
            "context": {"diagnostics": [lsp]},
        }),
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix", "{actions}");
    assert_eq!(fix["title"], "Replace `emial` with `email`");
    assert_eq!(fix["isPreferred"], true);
    let edit = &fix["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "email");
    assert_eq!(edit["range"], lsp["range"]);
    assert_eq!(fix["diagnostics"][0]["code"], "policy::unknown_channel");

    // didChange applying the fix (an incremental edit): no diagnostics.
    client.change(&uri, 2, json!([{"range": lsp["range"], "text": "email"}]));
    let (diagnostics, _) = client.diagnostics_of_version(&uri, 2);
    assert_eq!(diagnostics, Vec::<Value>::new(), "fixed");

    // Hover on a step: its meaning in `policy explain`'s words.
    std::fs::write(&file, &good).unwrap();
    let explain: Value = serde_json::from_slice(
        &Command::new(bin())
            .args(["explain", "--format", "json", "lu-b2b.policy"])
            .current_dir(dir.path())
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let step = explain["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["target"] == "mise_en_demeure")
        .unwrap()
        .clone();
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": position(&good, "after 45 days", "after", 2)}),
    );
    let text = hover_text(&hover);
    for words in [
        format!("**step {}**", step["step"]),
        format!("**when**: `{}`", step["when"]["text"].as_str().unwrap()),
        format!("**action**: `{}`", step["text"].as_str().unwrap()),
        "**channels**: `recommandé`".to_string(),
        "**to**: `debtor, guarantor`".to_string(),
        "**day**: 45".to_string(),
    ] {
        assert!(text.contains(&words), "{words:?} not in the hover:\n{text}");
    }
    assert_eq!(
        hover["range"]["start"]["line"],
        step["line"].as_i64().unwrap() - 1
    );

    // Hover on a court: its row of docs/legal-rules.md.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": position(&good, "after 22 days from mise_en_demeure if debtor.country = LU and amount <=", "justice_de_paix", 3)}),
    );
    let text = hover_text(&hover);
    assert!(text.contains("**justice de paix** (Luxembourg)"), "{text}");
    assert!(
        text.contains("any claim up to 15,000 EUR **included**"),
        "{text}"
    );
    assert!(text.contains("NCPC art. 2"), "{text}");

    // Hover on a procedure.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": position(&good, "after 22 days from mise_en_demeure if debtor.country = LU and amount <=", "ordonnance_de_paiement", 1)}),
    );
    let text = hover_text(&hover);
    assert!(text.contains("NCPC art. 129"), "{text}");

    // Hover on a template: its first lines.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": position(&good, "after 15 days send", "relance_1", 2)}),
    );
    let text = hover_text(&hover);
    let first_line = std::fs::read_to_string(dir.path().join("templates/lu/relance_1.txt"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(text.contains(&first_line), "{text}");

    // Completion: channels after `by`, the templates of the folder after
    // `send`, Luxembourg's courts after `route`, units after a count,
    // keywords at the start of a line.
    let complete = |client: &mut Client, at: Value| {
        labels(&client.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": at}),
        ))
    };
    let channels = complete(
        &mut client,
        position(&good, "after 15 days send", "email", 0),
    );
    assert_eq!(
        channels,
        ["email", "courrier", "recommandé", "sms", "huissier"]
    );
    let templates = complete(
        &mut client,
        position(&good, "after 15 days send", "relance_1", 0),
    );
    assert_eq!(templates, ["mise_en_demeure", "relance_1", "relance_2"]);
    let courts = complete(
        &mut client,
        position(
            &good,
            "after 22 days from mise_en_demeure if debtor.country = LU and amount <=",
            "justice_de_paix",
            0,
        ),
    );
    assert_eq!(
        courts,
        [
            "justice_de_paix",
            "tribunal_arrondissement",
            "huissier_de_justice"
        ]
    );
    let procedures = complete(
        &mut client,
        position(
            &good,
            "after 22 days from mise_en_demeure if debtor.country = LU and amount <=",
            "ordonnance_de_paiement",
            0,
        ),
    );
    assert!(
        procedures.contains(&"ordonnance_de_paiement".to_string()),
        "{procedures:?}"
    );
    assert!(
        !procedures.contains(&"ordonnance_de_provision".to_string()),
        "not before the justice de paix: {procedures:?}"
    );
    let units = complete(&mut client, position(&good, "after 38 days", "days", 0));
    assert_eq!(units, ["days", "business days", "weeks", "months"]);
    let anchors = complete(
        &mut client,
        position(
            &good,
            "after 22 days from mise_en_demeure if debtor.country = LU and amount <=",
            "mise_en_demeure",
            0,
        ),
    );
    assert!(
        anchors.starts_with(&["due".to_string(), "issue".to_string()]),
        "{anchors:?}"
    );
    assert!(
        anchors.contains(&"mise_en_demeure".to_string()),
        "{anchors:?}"
    );
    let fields = complete(
        &mut client,
        position(
            &good,
            "after 22 days from mise_en_demeure if debtor.country = LU and amount <=",
            "amount",
            0,
        ),
    );
    for word in [
        "amount",
        "total",
        "days_late",
        "b2b",
        "guaranteed",
        "partially_paid",
    ] {
        assert!(fields.contains(&word.to_string()), "{word}: {fields:?}");
    }
    let keywords = complete(&mut client, json!({"line": 16, "character": 0}));
    for word in ["after", "send", "route", "jurisdiction", "templates"] {
        assert!(keywords.contains(&word.to_string()), "{word}: {keywords:?}");
    }

    // Go to definition: an anchor to the step that sends it, a template to
    // its file.
    let definition = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": position(&good, "after 22 days from mise_en_demeure if debtor.country = LU and amount <=", "mise_en_demeure", 4)}),
    );
    assert_eq!(definition["uri"], uri);
    assert_eq!(
        definition["range"]["start"],
        position(&good, "after 45 days", "mise_en_demeure", 0)
    );
    let definition = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": position(&good, "after 15 days send", "relance_1", 0)}),
    );
    assert_eq!(
        definition["uri"],
        url(&dir.path().join("templates/lu/relance_1.txt"))
    );

    // Outline: one symbol per header and step, steps named by their action.
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    let steps: Vec<&str> = explain["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert!(names.ends_with(&steps), "{names:?}");
    assert!(names.contains(&"jurisdiction LU"), "{names:?}");

    // Formatting: `policy fmt`'s text.
    let messy = good.replacen(
        "after 38 days call debtor",
        "after   38 days   CALL debtor",
        1,
    );
    client.change(&uri, 3, json!([{"text": messy}]));
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    assert_eq!(edits.as_array().unwrap().len(), 1, "{edits}");
    assert_eq!(edits[0]["newText"], good.as_str());
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    // A formatted file needs no edit.
    client.change(&uri, 4, json!([{"text": good}]));
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    assert_eq!(edits, json!([]));
    // A file with a syntax error is not formatted, and the editor is told why.
    client.change(
        &uri,
        5,
        json!([{"text": "after quinze days send relance_1\n"}]),
    );
    let response = client.call(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    let error = response["error"]["message"].as_str().unwrap();
    assert!(error.contains("syntax errors"), "{response}");

    // A method the server does not know is an error, not a crash.
    let response = client.call("textDocument/rename", json!({}));
    assert_eq!(response["error"]["code"], -32601);

    assert_eq!(client.shut_down(), 0, "exit after shutdown is a success");
}

#[test]
fn diagnostics_come_per_document_after_the_user_pauses() {
    let dir = lu_workspace();
    let file = dir.path().join("lu-b2b.policy");
    let good = std::fs::read_to_string(&file).unwrap();
    let other = dir.path().join("other.policy");
    std::fs::write(&other, "after 10 days send relance_1\n").unwrap();
    let (uri, other_uri) = (url(&file), url(&other));
    // A long debounce: only a stalled machine could split these changes.
    let (mut client, _) = Client::initialized(dir.path(), &["--debounce", "1500"], json!({}));
    client.open(&uri, &good);
    client.open(&other_uri, "after 10 days send relance_1\n");
    assert!(client.diagnostics_of_version(&uri, 1).0.is_empty());
    assert!(client.diagnostics_of_version(&other_uri, 1).0.is_empty());
    // Five keystrokes in one burst: one publish, for the last text.
    let at = position(&good, "after 38 days", "call", 0);
    let mut burst = Vec::new();
    for (version, text) in (2..=6).zip(["s", "t", "o", "p", "!"]) {
        let body = serde_json::to_vec(&json!({
            "jsonrpc": "2.0",
            "method": "textDocument/didChange",
            "params": {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": at, "end": at}, "text": text}],
            },
        }))
        .unwrap();
        burst.extend(format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes());
        burst.extend(body);
    }
    let sent = Instant::now();
    client.stdin.write_all(&burst).unwrap();
    client.stdin.flush().unwrap();
    let (params, arrived) = client.diagnostics(&uri);
    assert_eq!(
        params["version"], 6,
        "only the last version is checked: {params}"
    );
    assert!(
        arrived - sent >= Duration::from_millis(1500),
        "published before the debounce: {:?}",
        arrived - sent
    );
    let diagnostics = params["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "policy::syntax");
    // The other document was not published again.
    assert!(
        !client
            .notifications
            .iter()
            .any(|m| m["params"]["uri"] == other_uri.as_str()),
        "{:?}",
        client.notifications
    );
    // Closing a document clears its diagnostics.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let (params, _) = client.diagnostics(&uri);
    assert_eq!(params["diagnostics"], json!([]));
    assert_eq!(client.shut_down(), 0);
}

#[test]
fn a_broken_template_shows_on_the_line_that_sends_it() {
    let dir = lu_workspace();
    let template = dir.path().join("templates/lu/relance_2.html");
    let mut html = std::fs::read_to_string(&template).unwrap();
    html.push_str("Bonjour {% if x %}\n");
    std::fs::write(&template, &html).unwrap();
    let expected = policy_check_json(dir.path(), "lu-b2b.policy");
    let expected = &expected["diagnostics"][0];
    assert_eq!(expected["code"], "policy::template_error");
    let file = dir.path().join("lu-b2b.policy");
    let text = std::fs::read_to_string(&file).unwrap();
    let uri = url(&file);
    let (mut client, _) = Client::initialized(dir.path(), &[], json!({}));
    client.open(&uri, &text);
    let (diagnostics, _) = client.diagnostics_of_version(&uri, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let shown = &diagnostics[0];
    assert_eq!(shown["code"], "policy::template_error");
    // On the policy's `send relance_2`, pointing into the template.
    assert_eq!(
        shown["range"]["start"],
        position(&text, "after 30 days send", "relance_2", 0)
    );
    let related = &shown["relatedInformation"][0]["location"];
    assert_eq!(related["uri"], url(&template));
    assert_eq!(
        related["range"]["start"]["line"],
        expected["line"].as_i64().unwrap() - 1
    );
    let message = shown["message"].as_str().unwrap();
    assert!(
        message.starts_with(expected["message"].as_str().unwrap()),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "relance_2.html:{}:{}",
            expected["line"], expected["column"]
        )),
        "{message}"
    );
    // Saving the policy after repairing the template checks it again.
    std::fs::write(&template, html.replace("Bonjour {% if x %}\n", "")).unwrap();
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    let (diagnostics, _) = client.diagnostics_of_version(&uri, 1);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(client.shut_down(), 0);
}

/// A policy of `lines` lines in the shape of the examples: phases of
/// letters, calls, charges and routes, with comments.
fn long_policy(lines: usize) -> String {
    let mut text = String::from(
        "policy \"Recouvrement B2B Luxembourg — grande politique\"\njurisdiction LU\ncurrency EUR\napplies to b2b\ntemplates \"templates/lu\"\nlimit 40 contacts per 30 days\nminimum 25 EUR\n\n",
    );
    let mut i = 0;
    while text.lines().count() < lines {
        let (floor, ceiling) = (1000 * i, 1000 * (i + 1));
        let band = format!("amount >= {floor} and amount < {ceiling}");
        text.push_str(&format!(
            "# Tranche {i} : soldes de {floor} à {ceiling} EUR\n\
             after {d1} days if {band} send relance_1 by email\n\
             after {d2} days if {band} and not partially_paid send relance_2 by email, courrier\n\
             after {d3} days if {band} call debtor\n\
             after {d4} days if {band} send mise_en_demeure by recommandé to debtor, guarantor\n\
             \n",
            d1 = 10 + i % 5,
            d2 = 20 + i % 5,
            d3 = 25 + i % 5,
            d4 = 40 + i % 5,
        ));
        i += 1;
    }
    text.push_str("charge indemnity 40 EUR\ncharge interest statutory\n");
    text.push_str("after 22 days from mise_en_demeure if amount <= 15000 route justice_de_paix with ordonnance_de_paiement\n");
    text.push_str("after 22 days from mise_en_demeure if amount > 15000 route tribunal_arrondissement with ordonnance_de_provision\n");
    text
}

#[test]
fn a_500_line_policy_gets_its_diagnostics_fast() {
    let dir = lu_workspace();
    let file = dir.path().join("long.policy");
    let text = long_policy(500);
    assert!(text.lines().count() >= 500);
    std::fs::write(&file, &text).unwrap();
    let check = policy_check_json(dir.path(), "long.policy");
    assert_eq!(
        check["diagnostics"].as_array().map(Vec::len),
        Some(0),
        "{check}"
    );
    let uri = url(&file);
    // No debounce: the time measured is the server's own work (the change
    // applied, the check, the conversion) plus the two pipes.
    let (mut client, _) = Client::initialized(dir.path(), &[], json!({"debounceMs": 0}));
    client.open(&uri, &text);
    assert!(client.diagnostics_of_version(&uri, 1).0.is_empty());
    let at = position(&text, "after 12 days if amount >= 2000 and", "email", 0);
    let end = json!({"line": at["line"], "character": at["character"].as_u64().unwrap() + 5});
    let mut times = Vec::new();
    for round in 0..10 {
        let version = 2 + round;
        let (word, errors) = if round % 2 == 0 {
            ("emial", 1)
        } else {
            ("email", 0)
        };
        let sent = Instant::now();
        client.change(
            &uri,
            version,
            json!([{"range": {"start": at, "end": end}, "text": word}]),
        );
        let (diagnostics, arrived) = client.diagnostics_of_version(&uri, version);
        times.push(arrived - sent);
        assert_eq!(diagnostics.len(), errors, "{diagnostics:?}");
        if errors == 1 {
            assert_eq!(diagnostics[0]["code"], "policy::unknown_channel");
            assert_eq!(diagnostics[0]["range"]["start"], at);
        }
    }
    times.sort();
    let median = times[times.len() / 2];
    let worst = times[times.len() - 1];
    // The check alone, in this process, of the clean text (every pass runs;
    // a compile error stops before the analysis): what the server spends
    // of it.
    let mut checks: Vec<Duration> = (0..10)
        .map(|_| {
            let started = Instant::now();
            let source = policy::source::SourceFile::new("long.policy", text.as_str());
            let checked = policy::check::check_source(&source, dir.path());
            assert!(checked.diagnostics.is_empty());
            started.elapsed()
        })
        .collect();
    checks.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "policy lsp: {} lines, change → diagnostics (no debounce): median {:.1} ms, worst {:.1} ms over {} changes; the check alone (clean text, every pass): median {:.1} ms",
        text.lines().count(),
        ms(median),
        ms(worst),
        times.len(),
        ms(checks[checks.len() / 2]),
    );
    // The target is 50 ms; a loaded test machine is given much more.
    assert!(median < Duration::from_secs(1), "median {median:?}");
    assert_eq!(client.shut_down(), 0);
}

#[test]
fn exit_without_shutdown_and_garbage_are_failures() {
    let dir = tempfile::tempdir().unwrap();
    let (mut client, _) = Client::initialized(dir.path(), &[], json!({}));
    client.notify("exit", Value::Null);
    let status = client.child.wait().unwrap();
    assert_eq!(status.code(), Some(1), "exit without shutdown");

    // Not the protocol at all: a diagnostic with its code, exit 2.
    let out = Command::new(bin())
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().unwrap().write_all(b"hello\n\n")?;
            child.wait_with_output()
        })
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("policy::lsp_protocol"), "{stderr}");
}

/// Neovim's built-in LSP client on a policy with an error: the diagnostic
/// arrives in the editor with the line and code `policy check` gives.
#[test]
#[ignore = "needs neovim (`nvim`); .ci/run installs it and runs this test"]
fn neovim_shows_the_diagnostic() {
    let version = Command::new("nvim").arg("--version").output();
    let Ok(version) = version else {
        panic!("neovim is not installed (`apt-get install neovim`): this test needs `nvim`");
    };
    let version = String::from_utf8_lossy(&version.stdout);
    println!("{}", version.lines().next().unwrap_or_default());
    let dir = lu_workspace();
    let file = dir.path().join("lu-b2b.policy");
    let broken = std::fs::read_to_string(&file).unwrap().replacen(
        "route justice_de_paix",
        "route justice_de_pays",
        1,
    );
    std::fs::write(&file, &broken).unwrap();
    let expected = policy_check_json(dir.path(), "lu-b2b.policy");
    let expected = &expected["diagnostics"][0];
    assert_eq!(expected["code"], "policy::unknown_destination");

    let out = dir.path().join("diagnostics.json");
    let mut child = Command::new("nvim")
        .args(["--headless", "-n", "-i", "NONE", "-u"])
        .arg(repo_file("tests/support/nvim_lsp.lua"))
        .arg("lu-b2b.policy")
        .current_dir(dir.path())
        .env("POLICY_BIN", bin())
        .env("POLICY_LSP_OUT", &out)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("neovim did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let written = std::fs::read_to_string(&out)
        .unwrap_or_else(|e| panic!("neovim wrote no diagnostics ({e})"));
    let report: Value = serde_json::from_str(&written).unwrap();
    println!("neovim {}: {}", report["version"], report["diagnostics"]);
    assert_eq!(
        report["ok"], true,
        "no diagnostic arrived in neovim: {report}"
    );
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{report}");
    let shown = &diagnostics[0];
    assert_eq!(shown["code"], "policy::unknown_destination");
    // Neovim counts lines and columns from 0.
    assert_eq!(shown["lnum"], expected["line"].as_i64().unwrap() - 1);
    assert_eq!(shown["col"], expected["column"].as_i64().unwrap() - 1);
    assert_eq!(shown["severity"], 1, "an error");
    let message = shown["message"].as_str().unwrap();
    assert!(
        message.starts_with(expected["message"].as_str().unwrap()),
        "{message}"
    );
}
