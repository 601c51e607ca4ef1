//! `policy lsp` minus the command line: a Language Server Protocol server
//! on stdio, sharing the checker, so that an editor shows what `policy
//! check` says, as the user types.
//!
//! One thread reads messages ([`lsp_server`] frames them); this loop
//! handles them in order. A change is checked once the user pauses (the
//! debounce), a request is answered from the document's current text:
//! [`documents`] checks each version once, on first need.
//!
//! The concerns, one file each: [`documents`] (the open texts and their
//! analysis), [`position`] (offsets ↔ LSP positions), [`diagnostics`],
//! [`hover`], [`completion`], [`definition`], [`formatting`], [`symbols`],
//! [`actions`] (quick fixes); [`locate`] says what the cursor is on,
//! [`reference`] cuts the reference pages, [`steps`] words a step as
//! `policy explain` does, [`templates`] reads the templates folder.

mod actions;
mod completion;
mod definition;
mod diagnostics;
mod documents;
pub use documents::CheckSetting;
mod formatting;
mod hover;
mod locate;
mod position;
mod reference;
mod steps;
mod symbols;
mod templates;

use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use crossbeam_channel::RecvTimeoutError;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    CompletionTriggerKind, DocumentSymbolResponse, InitializeParams, OneOf,
    PublishDiagnosticsParams, SaveOptions, ServerCapabilities, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Url,
};
use serde_json::Value;

use documents::{Document, Documents};
use position::Encoding;

use crate::diagnostic::{Code, Diagnostic};

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// How long after the last change a document is checked. An editor may
    /// set it with `{"debounceMs": N}` in its initialization options.
    pub debounce: Duration,
    /// `--templates-root` and `--rates`, as `policy check` takes them.
    pub check: std::sync::Arc<documents::CheckSetting>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            debounce: Duration::from_millis(150),
            check: std::sync::Arc::default(),
        }
    }
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `shutdown` then `exit`: exit code 0.
    ShutDown,
    /// `exit` without `shutdown`, or the editor closed the pipe: exit code
    /// 1, as the protocol asks.
    Abandoned,
}

/// Serves one editor on stdin and stdout until it says `exit`.
pub(crate) fn run_stdio(options: Options) -> Result<Ending, Diagnostic> {
    let (connection, threads) = Connection::stdio();
    let ending = serve(&connection, options);
    drop(connection);
    let joined = threads.join();
    let ending = ending?;
    joined.map_err(|e| failure(format!("the editor's messages could not be read: {e}")))?;
    Ok(ending)
}

fn failure(message: String) -> Diagnostic {
    Diagnostic::error(Code::LspProtocol, message).with_help(
        "`policy lsp` is started by an editor, which speaks the Language Server Protocol on its \
         stdin and stdout; see docs/editors.md to set one up",
    )
}

/// Serves one editor on `connection`: the handshake, then every message
/// until `exit`.
pub fn serve(connection: &Connection, options: Options) -> Result<Ending, Diagnostic> {
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| failure(format!("no `initialize` request: {e}")))?;
    let params: InitializeParams = match serde_json::from_value(params) {
        Ok(params) => params,
        Err(e) => {
            let message = format!("the `initialize` parameters are not valid: {e}");
            let _ = connection.sender.send(
                Response::new_err(id, ErrorCode::InvalidParams as i32, message.clone()).into(),
            );
            return Err(failure(message));
        }
    };
    let encoding = Encoding::negotiate(
        params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref()),
    );
    let mut options = options;
    if let Some(ms) = params
        .initialization_options
        .as_ref()
        .and_then(|o| o.get("debounceMs"))
        .and_then(Value::as_u64)
    {
        options.debounce = Duration::from_millis(ms);
    }
    let result = serde_json::json!({
        "capabilities": capabilities(encoding),
        "serverInfo": { "name": "policy", "version": env!("CARGO_PKG_VERSION") },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| failure(format!("the handshake failed: {e}")))?;
    Server {
        connection,
        options,
        encoding,
        documents: Documents::default(),
    }
    .run()
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".into(), ",".into(), "(".into()]),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

struct Server<'a> {
    connection: &'a Connection,
    options: Options,
    encoding: Encoding,
    documents: Documents,
}

/// What a request handler answers: a result, or an error code and message.
type Answer = Result<Value, (ErrorCode, String)>;

impl Server<'_> {
    fn run(mut self) -> Result<Ending, Diagnostic> {
        loop {
            let message = match self.documents.next_due() {
                Some(at) => {
                    let wait = at.saturating_duration_since(Instant::now());
                    match self.connection.receiver.recv_timeout(wait) {
                        Ok(message) => Some(message),
                        Err(RecvTimeoutError::Timeout) => None,
                        Err(RecvTimeoutError::Disconnected) => return Ok(Ending::Abandoned),
                    }
                }
                None => match self.connection.receiver.recv() {
                    Ok(message) => Some(message),
                    Err(_) => return Ok(Ending::Abandoned),
                },
            };
            match message {
                Some(Message::Request(request)) => {
                    let shut_down = self
                        .connection
                        .handle_shutdown(&request)
                        .map_err(|e| failure(format!("after `shutdown`: {e}")))?;
                    if shut_down {
                        return Ok(Ending::ShutDown);
                    }
                    self.request(request);
                }
                Some(Message::Notification(notification)) => {
                    if notification.method == note::Exit::METHOD {
                        return Ok(Ending::Abandoned);
                    }
                    self.notification(notification);
                }
                Some(Message::Response(_)) | None => {}
            }
            self.publish_due();
        }
    }

    fn send(&self, message: impl Into<Message>) {
        // A closed channel means the editor is gone: the loop sees it next.
        let _ = self.connection.sender.send(message.into());
    }

    /// Publishes the diagnostics of every document whose time has come.
    fn publish_due(&mut self) {
        for uri in self.documents.take_due(Instant::now()) {
            let Some(document) = self.documents.get(&uri) else {
                continue;
            };
            let diagnostics = diagnostics::of_document(document);
            self.publish(uri, diagnostics, Some(document.version));
        }
    }

    fn publish(&self, uri: Url, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Notification::new(
            note::PublishDiagnostics::METHOD.to_string(),
            params,
        ));
    }

    fn notification(&mut self, notification: Notification) {
        let now = Instant::now();
        match notification.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let Ok(params) = notification.extract::<lsp_types::DidOpenTextDocumentParams>(
                    note::DidOpenTextDocument::METHOD,
                ) else {
                    return;
                };
                let doc = params.text_document;
                let mut document = Document::new(doc.uri, doc.version, doc.text, self.encoding)
                    .with_setting(std::sync::Arc::clone(&self.options.check));
                // Opening is not typing: checked at once.
                document.due = Some(now);
                self.documents.insert(document);
            }
            note::DidChangeTextDocument::METHOD => {
                let Ok(params) = notification.extract::<lsp_types::DidChangeTextDocumentParams>(
                    note::DidChangeTextDocument::METHOD,
                ) else {
                    return;
                };
                let encoding = self.encoding;
                let debounce = self.options.debounce;
                if let Some(document) = self.documents.get_mut(&params.text_document.uri) {
                    let mut text = std::mem::take(&mut document.text);
                    position::apply_changes(&mut text, params.content_changes, encoding);
                    document.replace(params.text_document.version, text, encoding);
                    document.due = Some(now + debounce);
                }
            }
            note::DidSaveTextDocument::METHOD => {
                // The templates folder may have changed too: check again.
                if let Ok(params) = notification.extract::<lsp_types::DidSaveTextDocumentParams>(
                    note::DidSaveTextDocument::METHOD,
                ) {
                    if let Some(document) = self.documents.get_mut(&params.text_document.uri) {
                        document.refresh();
                        document.due = Some(now);
                    }
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(params) = notification.extract::<lsp_types::DidCloseTextDocumentParams>(
                    note::DidCloseTextDocument::METHOD,
                ) {
                    let uri = params.text_document.uri;
                    if self.documents.remove(&uri).is_some() {
                        self.publish(uri, Vec::new(), None);
                    }
                }
            }
            _ => {}
        }
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        // A bug in one answer must not take the editor's server down.
        let answer = std::panic::catch_unwind(AssertUnwindSafe(|| self.answer(request)))
            .unwrap_or_else(|_| {
                Err((
                    ErrorCode::InternalError,
                    "internal error (a bug in `policy lsp`)".to_string(),
                ))
            });
        let response = match answer {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(response);
    }

    fn answer(&mut self, request: Request) -> Answer {
        let Request { method, params, .. } = request;
        match method.as_str() {
            req::HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = parse(params)?;
                let at = p.text_document_position_params;
                self.on(&at.text_document.uri, |d| hover::hover(d, at.position))
            }
            req::Completion::METHOD => {
                let p: lsp_types::CompletionParams = parse(params)?;
                let typed_space = p.context.as_ref().is_some_and(|c| {
                    c.trigger_kind == CompletionTriggerKind::TRIGGER_CHARACTER
                        && c.trigger_character.as_deref() == Some(" ")
                });
                let at = p.text_document_position;
                self.on(&at.text_document.uri, |d| {
                    completion::completion(d, at.position, typed_space)
                })
            }
            req::GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = parse(params)?;
                let at = p.text_document_position_params;
                self.on(&at.text_document.uri, |d| {
                    definition::definition(d, at.position)
                })
            }
            req::Formatting::METHOD => {
                let p: lsp_types::DocumentFormattingParams = parse(params)?;
                let Some(document) = self.documents.get(&p.text_document.uri) else {
                    return Ok(Value::Null);
                };
                let edits = formatting::format(document)
                    .map_err(|message| (ErrorCode::RequestFailed, message))?;
                to_value(edits)
            }
            req::DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = parse(params)?;
                self.on(&p.text_document.uri, |d| {
                    DocumentSymbolResponse::Nested(symbols::symbols(d))
                })
            }
            req::CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams = parse(params)?;
                self.on(&p.text_document.uri, |d| actions::actions(d, p.range))
            }
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("`policy lsp` does not answer `{method}`"),
            )),
        }
    }

    /// Answers with `f` on an open document; `null` for one not open.
    fn on<T: serde::Serialize>(&self, uri: &Url, f: impl FnOnce(&Document) -> T) -> Answer {
        match self.documents.get(uri) {
            Some(document) => to_value(f(document)),
            None => Ok(Value::Null),
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, (ErrorCode, String)> {
    serde_json::from_value(params).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn to_value<T: serde::Serialize>(value: T) -> Answer {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}
