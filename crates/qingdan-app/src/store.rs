//! The device's storage: one IndexedDB database, `qingdan`.
//!
//! Object stores (all keyed in-line):
//!
//! | store | key | holds |
//! | --- | --- | --- |
//! | `templates` | `key` (`<id>@<version>`) | imported checklists, as their source JSON |
//! | `assessments` | `id` | drafts and signed assessments, with every input |
//! | `packets` | `id` | signed packets, exactly as exported |
//! | `keys` | `fingerprint` | signing keys, sealed under their PINs |
//! | `settings` | `id` (`"settings"`) | language, the intake enrolled with |
//! | `outbox` | `id` | packets waiting for the intake's receipt (v2) |
//! | `receipts` | `packet_id` | the intake's receipts for packets sent (v2) |
//! | `files` | out of line, `<assessment>/<sha256>` | the bytes of files attached to an assessment (v3) |
//!
//! Each write is its own readwrite transaction, and a write returns only
//! once the transaction's `complete` event has fired: what the UI then calls
//! 已保存 is on disk. Migrations ([`upgrade`]) only ever add stores.

use indexed_db_futures::database::{Database, VersionChangeEvent};
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

use crate::model::{Assessment, PacketRecord, Settings, TemplateRecord};
use crate::sync::{IntakeLink, LinkRecord, OutboxEntry, ReceiptRecord, Snapshot};
use crate::vault::SealedKey;

/// The database's name.
pub const DB_NAME: &str = "qingdan";
/// The schema version; [`upgrade`] brings any older database to it.
pub const DB_VERSION: u32 = 3;

/// The object stores, in the order they were introduced.
pub const TEMPLATES: &str = "templates";
/// See [`TEMPLATES`].
pub const ASSESSMENTS: &str = "assessments";
/// See [`TEMPLATES`].
pub const PACKETS: &str = "packets";
/// See [`TEMPLATES`].
pub const KEYS: &str = "keys";
/// See [`TEMPLATES`].
pub const SETTINGS: &str = "settings";
/// See [`TEMPLATES`].
pub const OUTBOX: &str = "outbox";
/// See [`TEMPLATES`].
pub const RECEIPTS: &str = "receipts";
/// See [`TEMPLATES`].
pub const FILES: &str = "files";

/// The key a file attached to assessment `assessment` is kept under.
pub fn file_key(assessment: &str, sha256: &str) -> String {
    format!("{assessment}/{sha256}")
}

/// A storage failure, said so that the user can act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The device is out of the space the browser allows this site.
    Quota,
    /// IndexedDB is missing or refused (private mode in some browsers).
    Unavailable(String),
    /// Anything else IndexedDB reported.
    Failed(String),
}

impl From<indexed_db_futures::error::Error> for StoreError {
    fn from(e: indexed_db_futures::error::Error) -> StoreError {
        use indexed_db_futures::error::{DomException, Error};
        match &e {
            Error::DomException(DomException::Other(d)) if d.name() == "QuotaExceededError" => {
                StoreError::Quota
            }
            _ => StoreError::Failed(e.to_string()),
        }
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StoreError {
    fn from(e: indexed_db_futures::error::OpenDbError) -> StoreError {
        StoreError::Unavailable(e.to_string())
    }
}

/// How hard a write should try before it reports success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// The browser's default (each answer as it is given).
    Default,
    /// Flushed to disk before `complete` fires (the write that completes a
    /// form, a signature, a packet).
    Strict,
}

/// An open database.
#[derive(Debug)]
pub struct Store {
    db: Database,
}

/// A record as a plain JS object (through JSON, which the records are made
/// of: strings, whole numbers, booleans, arrays and objects).
fn to_js<T: Serialize>(record: &T) -> Result<JsValue, StoreError> {
    let text = crate::json::write(record).map_err(|e| StoreError::Failed(e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|e| StoreError::Failed(crate::js_error_text(&e)))
}

fn from_js<T: DeserializeOwned>(value: &JsValue) -> Result<T, StoreError> {
    let text: String = js_sys::JSON::stringify(value)
        .map_err(|e| StoreError::Failed(crate::js_error_text(&e)))?
        .into();
    crate::json::read(&text).map_err(|e| StoreError::Failed(format!("a stored record: {e}")))
}

/// Brings a database from `old` to [`DB_VERSION`]. Each step only adds.
fn upgrade(
    event: VersionChangeEvent,
    db: Database,
) -> Result<(), indexed_db_futures::error::Error> {
    let old = event.old_version() as u64;
    if old < 1 {
        db.create_object_store(TEMPLATES)
            .with_key_path("key".into())
            .build()?;
        db.create_object_store(ASSESSMENTS)
            .with_key_path("id".into())
            .build()?;
        db.create_object_store(PACKETS)
            .with_key_path("id".into())
            .build()?;
        db.create_object_store(KEYS)
            .with_key_path("fingerprint".into())
            .build()?;
        db.create_object_store(SETTINGS)
            .with_key_path("id".into())
            .build()?;
    }
    if old < 2 {
        db.create_object_store(OUTBOX)
            .with_key_path("id".into())
            .build()?;
        db.create_object_store(RECEIPTS)
            .with_key_path("packet_id".into())
            .build()?;
    }
    if old < 3 {
        db.create_object_store(FILES).build()?;
    }
    Ok(())
}

impl Store {
    /// Opens (creating or upgrading) the database called `name`. The request
    /// is awaited as soon as it is made: its outcome can be missed if
    /// anything else is awaited first.
    pub async fn open(name: &str) -> Result<Store, StoreError> {
        let request = Database::open(name)
            .with_version(DB_VERSION)
            .with_on_upgrade_needed(upgrade)
            .build()?;
        Ok(Store { db: request.await? })
    }

    /// What the app needs to start, read in one transaction: the settings
    /// (or their defaults), the imported checklists and the assessments.
    pub async fn startup(
        &self,
    ) -> Result<(Settings, Vec<TemplateRecord>, Vec<Assessment>), StoreError> {
        let tx = self
            .db
            .transaction([SETTINGS, TEMPLATES, ASSESSMENTS])
            .build()?;
        let settings = tx
            .object_store(SETTINGS)?
            .get::<JsValue, _, _>(Settings::ID.to_owned())
            .primitive()?;
        let templates = tx
            .object_store(TEMPLATES)?
            .get_all::<JsValue>()
            .primitive()?;
        let assessments = tx
            .object_store(ASSESSMENTS)?
            .get_all::<JsValue>()
            .primitive()?;
        let settings = match settings.await? {
            Some(value) => from_js(&value)?,
            None => Settings::default(),
        };
        let mut records = Vec::new();
        for value in templates.await? {
            records.push(from_js(&value?)?);
        }
        let mut list = Vec::new();
        for value in assessments.await? {
            list.push(from_js(&value?)?);
        }
        Ok((settings, records, list))
    }

    /// Closes the connection.
    pub fn close(self) {
        self.db.close();
    }

    /// Every record in `store`.
    pub async fn all<T: DeserializeOwned>(&self, store: &str) -> Result<Vec<T>, StoreError> {
        let tx = self.db.transaction(store).build()?;
        let values = tx
            .object_store(store)?
            .get_all::<JsValue>()
            .primitive()?
            .await?;
        let mut records = Vec::new();
        for value in values {
            records.push(from_js(&value?)?);
        }
        Ok(records)
    }

    /// The record with key `key` in `store`, if there is one.
    pub async fn get<T: DeserializeOwned>(
        &self,
        store: &str,
        key: &str,
    ) -> Result<Option<T>, StoreError> {
        let tx = self.db.transaction(store).build()?;
        let value: Option<JsValue> = tx
            .object_store(store)?
            .get(key.to_owned())
            .primitive()?
            .await?;
        value.as_ref().map(from_js).transpose()
    }

    /// Writes `record` into `store`, returning once the transaction has
    /// completed.
    pub async fn put<T: Serialize>(
        &self,
        store: &str,
        record: &T,
        durability: Durability,
    ) -> Result<(), StoreError> {
        let value = to_js(record)?;
        let tx = self.write_transaction(&[store], durability)?;
        tx.object_store(store)?.put(value).primitive()?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes the record with key `key` from `store`.
    pub async fn delete(&self, store: &str, key: &str) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(store)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(store)?.delete(key.to_owned()).build()?;
        tx.commit().await?;
        Ok(())
    }

    /// Imported checklists.
    pub async fn templates(&self) -> Result<Vec<TemplateRecord>, StoreError> {
        self.all(TEMPLATES).await
    }

    /// Every assessment on this device.
    pub async fn assessments(&self) -> Result<Vec<Assessment>, StoreError> {
        self.all(ASSESSMENTS).await
    }

    /// One assessment.
    pub async fn assessment(&self, id: &str) -> Result<Option<Assessment>, StoreError> {
        self.get(ASSESSMENTS, id).await
    }

    /// Signing keys kept on this device.
    pub async fn keys(&self) -> Result<Vec<SealedKey>, StoreError> {
        self.all(KEYS).await
    }

    /// Signed packets made on this device.
    pub async fn packets(&self) -> Result<Vec<PacketRecord>, StoreError> {
        self.all(PACKETS).await
    }

    /// The settings, or the defaults when none were saved.
    pub async fn settings(&self) -> Result<Settings, StoreError> {
        Ok(self.get(SETTINGS, Settings::ID).await?.unwrap_or_default())
    }

    /// Keeps a packet just signed and puts it in the outbox, in one
    /// transaction flushed to disk.
    pub async fn queue(
        &self,
        packet: &PacketRecord,
        entry: &OutboxEntry,
    ) -> Result<(), StoreError> {
        let (packet, entry) = (to_js(packet)?, to_js(entry)?);
        let tx = self.write_transaction(&[PACKETS, OUTBOX], Durability::Strict)?;
        tx.object_store(PACKETS)?.put(packet).primitive()?;
        tx.object_store(OUTBOX)?.put(entry).primitive()?;
        tx.commit().await?;
        Ok(())
    }

    /// Keeps a receipt and takes its packet out of the outbox, in one
    /// transaction: the packet is always in one or the other.
    pub async fn settle(&self, receipt: &ReceiptRecord) -> Result<(), StoreError> {
        let value = to_js(receipt)?;
        let tx = self.write_transaction(&[RECEIPTS, OUTBOX], Durability::Strict)?;
        tx.object_store(RECEIPTS)?.put(value).primitive()?;
        tx.object_store(OUTBOX)?
            .delete(receipt.packet_id.clone())
            .build()?;
        tx.commit().await?;
        Ok(())
    }

    fn write_transaction(
        &self,
        stores: &[&str],
        durability: Durability,
    ) -> Result<indexed_db_futures::transaction::Transaction<'_>, StoreError> {
        let mut options = TransactionOptions::new();
        options.set_durability(match durability {
            Durability::Default => TransactionDurability::Default,
            Durability::Strict => TransactionDurability::Strict,
        });
        Ok(self
            .db
            .transaction(stores)
            .with_mode(TransactionMode::Readwrite)
            .with_options(options)
            .build()?)
    }

    /// Keeps a file's bytes under `key` ([`file_key`]), in a transaction of
    /// its own flushed to disk, before any record names it.
    pub async fn put_file(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let value: JsValue = js_sys::Uint8Array::from(bytes).into();
        let tx = self.write_transaction(&[FILES], Durability::Strict)?;
        tx.object_store(FILES)?
            .put(value)
            .with_key(key.to_owned())
            .primitive()?;
        tx.commit().await?;
        Ok(())
    }

    /// A file's bytes, if they are kept.
    pub async fn file(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let tx = self.db.transaction(FILES).build()?;
        let value: Option<JsValue> = tx
            .object_store(FILES)?
            .get(key.to_owned())
            .primitive()?
            .await?;
        Ok(value.map(|v| js_sys::Uint8Array::new(&v).to_vec()))
    }

    /// The outbox and the receipts, read together.
    pub async fn snapshot(&self) -> Result<Snapshot, StoreError> {
        let tx = self.db.transaction([OUTBOX, RECEIPTS]).build()?;
        let outbox = tx.object_store(OUTBOX)?.get_all::<JsValue>().primitive()?;
        let receipts = tx
            .object_store(RECEIPTS)?
            .get_all::<JsValue>()
            .primitive()?;
        let mut snapshot = Snapshot::default();
        for value in outbox.await? {
            snapshot.outbox.push(from_js(&value?)?);
        }
        for value in receipts.await? {
            snapshot.receipts.push(from_js(&value?)?);
        }
        Ok(snapshot)
    }

    /// The ids of the packets kept here.
    pub async fn packet_ids(&self) -> Result<Vec<String>, StoreError> {
        let tx = self.db.transaction(PACKETS).build()?;
        let keys = tx
            .object_store(PACKETS)?
            .get_all_keys::<JsValue>()
            .primitive()?
            .await?;
        let mut ids = Vec::new();
        for key in keys {
            if let Some(id) = key?.as_string() {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// The intake this device is enrolled with, if any.
    pub async fn intake_link(&self) -> Result<Option<IntakeLink>, StoreError> {
        let record: Option<LinkRecord> = self.get(SETTINGS, IntakeLink::ID).await?;
        Ok(record.map(|r| r.link))
    }

    /// Keeps (or, with `None`, forgets) the intake this device is enrolled
    /// with.
    pub async fn set_intake_link(&self, link: Option<&IntakeLink>) -> Result<(), StoreError> {
        match link {
            Some(link) => {
                let record = LinkRecord {
                    id: IntakeLink::ID.to_owned(),
                    link: link.clone(),
                };
                self.put(SETTINGS, &record, Durability::Strict).await
            }
            None => self.delete(SETTINGS, IntakeLink::ID).await,
        }
    }
}
