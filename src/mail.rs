//! Sending email through one interface: SMTP when configured, otherwise `.eml` files in an
//! outbox folder; tests capture messages in memory.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use tokio::sync::watch;

/// An email to send. Bodies may hold secrets (invitation links), so they are never logged.
#[derive(Debug, Clone)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub body: String,
}

pub trait Mailer: Send + Sync {
    fn send(&self, email: Email) -> BoxFuture<'_, anyhow::Result<()>>;
}

fn build(from: &Mailbox, email: &Email) -> anyhow::Result<Message> {
    Ok(Message::builder()
        .from(from.clone())
        .to(email.to.parse()?)
        .subject(email.subject.clone())
        .body(email.body.clone())?)
}

pub struct SmtpMailer {
    from: Mailbox,
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl SmtpMailer {
    pub fn new(url: &str, from: &str) -> anyhow::Result<Self> {
        Ok(Self {
            from: from.parse()?,
            transport: AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.build(),
        })
    }
}

impl Mailer for SmtpMailer {
    fn send(&self, email: Email) -> BoxFuture<'_, anyhow::Result<()>> {
        Box::pin(async move {
            self.transport.send(build(&self.from, &email)?).await?;
            Ok(())
        })
    }
}

/// Writes each email as an RFC 5322 `.eml` file, for laptops and demos with no SMTP server.
pub struct OutboxMailer {
    from: Mailbox,
    dir: PathBuf,
}

impl OutboxMailer {
    pub fn new(dir: PathBuf, from: &str) -> anyhow::Result<Self> {
        Ok(Self {
            from: from.parse()?,
            dir,
        })
    }
}

impl Mailer for OutboxMailer {
    fn send(&self, email: Email) -> BoxFuture<'_, anyhow::Result<()>> {
        Box::pin(async move {
            let message = build(&self.from, &email)?;
            tokio::fs::create_dir_all(&self.dir).await?;
            let name = format!(
                "{}-{}.eml",
                chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f"),
                uuid::Uuid::new_v4().simple()
            );
            tokio::fs::write(self.dir.join(name), message.formatted()).await?;
            Ok(())
        })
    }
}

/// Keeps emails in memory, for tests to read; it can also play a mail server that is down
/// or that hangs.
#[derive(Clone)]
pub struct CapturingMailer {
    sent: Arc<Mutex<Vec<Email>>>,
    outage: Arc<watch::Sender<Outage>>,
}

/// How the capturing mail server behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// It takes every email.
    None,
    /// It refuses every email with an error.
    Refusing,
    /// It holds every email until the outage ends.
    Hanging,
}

impl Default for CapturingMailer {
    fn default() -> Self {
        Self {
            sent: Arc::default(),
            outage: Arc::new(watch::Sender::new(Outage::None)),
        }
    }
}

impl CapturingMailer {
    pub fn sent(&self) -> Vec<Email> {
        self.sent.lock().expect("mailbox lock").clone()
    }

    pub fn set_outage(&self, outage: Outage) {
        self.outage.send_replace(outage);
    }
}

impl Mailer for CapturingMailer {
    fn send(&self, email: Email) -> BoxFuture<'_, anyhow::Result<()>> {
        Box::pin(async move {
            let mut outage = self.outage.subscribe();
            let outage = *outage.wait_for(|outage| *outage != Outage::Hanging).await?;
            if outage == Outage::Refusing {
                anyhow::bail!("the mail server refused the email");
            }
            self.sent.lock().expect("mailbox lock").push(email);
            Ok(())
        })
    }
}
