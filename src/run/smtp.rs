//! `--smtp URL`: hands the run's e-mails to an SMTP server with lettre. The
//! journal records the server's answer; what a broken exchange means for
//! "exactly once" is decided in [`crate::journal`] (docs/journal.md).

use std::time::Duration;

use lettre::address::{Address, Envelope};
use lettre::{SmtpTransport, Transport};

use crate::diagnostic::{Code, Diagnostic};
use crate::journal::{Action, Deliver, Delivery};

/// A connection to one SMTP server, for the whole run.
pub(crate) struct Smtp {
    transport: SmtpTransport,
    from: Address,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smtp").field("from", &self.from).finish()
    }
}

impl Smtp {
    /// Connects to `url` (`smtp://host:port`, `smtp://user:password@host`,
    /// `smtps://…` for TLS, `?tls=required` for STARTTLS) and checks that the
    /// server answers, before anything is produced. `from` is the envelope
    /// sender: the firm's address.
    pub(crate) fn connect(url: &str, from: &str) -> Result<Smtp, Diagnostic> {
        let shown = redact(url);
        let unavailable = |why: String| {
            Diagnostic::error(
                Code::SmtpUnavailable,
                format!("cannot use the SMTP server `{shown}`: {why}"),
            )
            .with_help(
                "check the URL (`smtp://host:25`, `smtps://user:password@host:465`, \
                 `smtp://host:587?tls=required`) and that the server is up; nothing was produced",
            )
        };
        let from: Address = from.parse().map_err(|e| {
            unavailable(format!(
                "the firm's e-mail `{from}` is not an address ({e})"
            ))
        })?;
        let transport = SmtpTransport::from_url(url)
            .map_err(|e| unavailable(e.to_string()))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        match transport.test_connection() {
            Ok(true) => Ok(Smtp { transport, from }),
            Ok(false) => Err(unavailable("the server did not answer".into())),
            Err(e) => Err(unavailable(e.to_string())),
        }
    }
}

impl Deliver for Smtp {
    fn deliver(&mut self, action: &Action, message: &[u8]) -> Delivery {
        let to: Address = match action.to.parse() {
            Ok(to) => to,
            Err(e) => return Delivery::Refused(format!("invalid address `{}`: {e}", action.to)),
        };
        let envelope = match Envelope::new(Some(self.from.clone()), vec![to]) {
            Ok(envelope) => envelope,
            Err(e) => return Delivery::Refused(e.to_string()),
        };
        match self.transport.send_raw(&envelope, message) {
            Ok(response) => {
                let text: Vec<&str> = response.message().collect();
                Delivery::Accepted(format!("{} {}", response.code(), text.join(" ")))
            }
            // The server said no: it did not take the message.
            Err(e) if e.is_permanent() || e.is_transient() => Delivery::Refused(e.to_string()),
            // A connection that broke or timed out may have delivered.
            Err(e) => Delivery::Unknown(e.to_string()),
        }
    }
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("smtps://anne:secret@mail.example.lu:465"),
            "smtps://anne:***@mail.example.lu:465"
        );
        assert_eq!(redact("smtp://localhost:2525"), "smtp://localhost:2525");
    }
}
